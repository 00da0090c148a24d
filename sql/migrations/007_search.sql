-- Version 7: full-text search over payloads (GET /inbox?q=). An FTS5
-- table without content of its own: the words of each event's payload,
-- by rowid = events.seq, and nothing else (the payload stays in events).
-- unicode61 without removing diacritics finds words as PostgreSQL's
-- search does (fcgi/store/postgres/zs_pg_sql.c): runs of letters and
-- digits, case folded.
--
-- The store writes the words, not a trigger (PRAGMA trusted_schema = OFF
-- keeps virtual tables out of triggers), and not with each insert: FTS5
-- writes a segment per transaction, which at a few events each cost more
-- than the insert itself. Events up to search_state.upto have their
-- words written (or are gone); a writer adds the next ones once 256 have
-- gathered, and a search first adds any still missing, so it always sees
-- every stored event (fcgi/store/zs_store_events.c).
CREATE VIRTUAL TABLE events_fts USING fts5(body, content = '',
	tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (rowid, body) SELECT seq, payload FROM events;
CREATE TABLE search_state (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	upto		INTEGER NOT NULL	-- events.seq
);
INSERT INTO search_state (one, upto)
	SELECT 1, coalesce(max(seq), 0) FROM events;
