-- Version 7: full-text search over payloads (GET /inbox?q=). An FTS5
-- table without content of its own: the words of each event's payload,
-- by rowid = events.seq, and nothing else (the payload stays in events).
-- The store writes its rows with each insert and removes them with each
-- delete (zs_store_events.c): PRAGMA trusted_schema = OFF keeps virtual
-- tables out of triggers. unicode61 without removing diacritics finds
-- words as PostgreSQL's search does (fcgi/store/postgres/zs_pg_sql.c):
-- runs of letters and digits, case folded.
CREATE VIRTUAL TABLE events_fts USING fts5(body, content = '',
	tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (rowid, body) SELECT seq, payload FROM events;
