-- ZapStream on PostgreSQL, schema version 1: the same tables as SQLite's
-- version 3 (sql/schema.sql and sql/migrations/), applied by
-- `zs-admin migrate` (make db-init) with STORAGE_BACKEND=postgres inside
-- one transaction. Later changes go in sql/postgres/NNN_name.sql, where NNN
-- is the version they bring the database to (table schema_version).
--
-- Times are Unix milliseconds (bigint), as in SQLite, so both backends
-- hand the responders the same values.
--
-- An event's state, from its columns (as SQLite's migration 003):
--   acknowledged  acked_at IS NOT NULL
--   dead          dead_at IS NOT NULL (and not acknowledged)
--   leased        lease_id IS NOT NULL AND visible_at > now
--   pending       otherwise; a lease may take it once visible_at is past

-- One row: the counters every write transaction takes in the same order.
-- Each writer locks this row first (SELECT ... FOR UPDATE) and keeps it
-- until COMMIT, so event and change seqs are handed out in commit order on
-- every node: a reader that sees seq N has seen every seq below N. (An
-- identity column or a sequence would not do: its numbers are taken at
-- insert time, not at commit, and skip on rollback.) last_ulid keeps event
-- ids increasing across nodes within one millisecond.
CREATE TABLE zs_state (
	one		integer PRIMARY KEY CHECK (one = 1),
	event_seq	bigint NOT NULL DEFAULT 0,	-- last events.seq
	change_seq	bigint NOT NULL DEFAULT 0,	-- last changes.seq
	last_ulid	text NOT NULL DEFAULT ''
);
INSERT INTO zs_state (one) VALUES (1);

-- The next seq of the events (which = 'event') or changes; the row lock
-- is the writer's queue.
CREATE FUNCTION zs_next_seq(which text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	IF which = 'event' THEN
		UPDATE zs_state SET event_seq = event_seq + 1 WHERE one = 1
		    RETURNING event_seq INTO n;
	ELSE
		UPDATE zs_state SET change_seq = change_seq + 1 WHERE one = 1
		    RETURNING change_seq INTO n;
	END IF;
	RETURN n;
END $$;

CREATE FUNCTION zs_now_ms() RETURNS bigint
LANGUAGE sql AS $$
	SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint
$$;

-- One row per stored event. seq is the storage order (cursors use it).
CREATE TABLE events (
	seq		bigint PRIMARY KEY DEFAULT zs_next_seq('event'),
	id		text NOT NULL UNIQUE,	-- "evt_" + ULID
	tenant		text NOT NULL,
	created_at	bigint NOT NULL,
	source		text,
	type		text,
	topic		text,
	payload		text NOT NULL,		-- minified JSON object
	acked_at	bigint,			-- NULL while not acknowledged
	delivery_count	bigint NOT NULL DEFAULT 0,
	lease_id	text,			-- "lse_" + 26 random chars
	visible_at	bigint,			-- NULL: now
	dead_at		bigint			-- NULL: not dead
);
CREATE INDEX events_tenant_seq ON events (tenant, seq);
CREATE INDEX events_tenant_pending ON events (tenant, seq)
	WHERE acked_at IS NULL AND dead_at IS NULL;
CREATE INDEX events_tenant_acked ON events (tenant, seq)
	WHERE acked_at IS NOT NULL;
CREATE INDEX events_tenant_dead ON events (tenant, seq)
	WHERE dead_at IS NOT NULL AND acked_at IS NULL;
CREATE INDEX events_acked_at ON events (acked_at)
	WHERE acked_at IS NOT NULL;
CREATE INDEX events_tenant_created ON events (tenant, created_at);
CREATE INDEX events_tenant_visible ON events (tenant, visible_at)
	WHERE acked_at IS NULL AND dead_at IS NULL AND visible_at IS NOT NULL;

-- Counts per tenant and source ('' for none), kept by the triggers below.
CREATE TABLE source_counts (
	tenant		text NOT NULL,
	source		text NOT NULL,
	pending		bigint NOT NULL DEFAULT 0,
	acknowledged	bigint NOT NULL DEFAULT 0,
	dead		bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, source)
);

-- The change sequence the live stream reads, written only by the triggers
-- below. seq is the SSE event id.
CREATE TABLE changes (
	seq		bigint PRIMARY KEY DEFAULT zs_next_seq('change'),
	tenant		text NOT NULL,
	kind		text NOT NULL
			CHECK (kind IN ('created', 'acknowledged', 'deleted',
			    'leased', 'released', 'dead_lettered', 'redriven')),
	event_id	text NOT NULL,
	at		bigint NOT NULL,
	source		text,
	type		text,
	topic		text,
	until_at	bigint,		-- leased: lease end; released: visible
	deliveries	bigint		-- leased, dead_lettered: delivery count
);
CREATE INDEX changes_tenant_seq ON changes (tenant, seq);

-- Adds d to the counts of (tenant, source).
CREATE FUNCTION zs_count(t text, s text, dp bigint, da bigint, dd bigint)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO source_counts AS c (tenant, source, pending, acknowledged,
	    dead)
	VALUES (t, coalesce(s, ''), dp, da, dd)
	ON CONFLICT (tenant, source) DO UPDATE SET
	    pending = c.pending + dp, acknowledged = c.acknowledged + da,
	    dead = c.dead + dd
$$;

CREATE FUNCTION zs_change(e events, k text, at_ms bigint, until_ms bigint,
    n bigint) RETURNS void LANGUAGE sql AS $$
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic,
	    until_at, deliveries)
	VALUES (e.tenant, k, e.id, at_ms, e.source, e.type, e.topic, until_ms,
	    n)
$$;

-- The rules of SQLite's triggers (migration 003), in one function.
CREATE FUNCTION zs_events_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- (the API inserts pending events; zs-admin copy-to-postgres
		-- brings acknowledged and dead ones too)
		PERFORM zs_count(NEW.tenant, NEW.source,
		    (NEW.acked_at IS NULL AND NEW.dead_at IS NULL)::int,
		    (NEW.acked_at IS NOT NULL)::int,
		    (NEW.acked_at IS NULL AND NEW.dead_at IS NOT NULL)::int);
		PERFORM zs_change(NEW, 'created', NEW.created_at, NULL, NULL);
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		PERFORM zs_count(OLD.tenant, OLD.source,
		    -(OLD.acked_at IS NULL AND OLD.dead_at IS NULL)::int,
		    -(OLD.acked_at IS NOT NULL)::int,
		    -(OLD.acked_at IS NULL AND OLD.dead_at IS NOT NULL)::int);
		PERFORM zs_change(OLD, 'deleted', zs_now_ms(), NULL, NULL);
		RETURN NULL;
	END IF;
	-- An acknowledgement also ends a dead letter.
	IF OLD.acked_at IS NULL AND NEW.acked_at IS NOT NULL THEN
		PERFORM zs_count(NEW.tenant, NEW.source,
		    -(OLD.dead_at IS NULL)::int, 1,
		    -(OLD.dead_at IS NOT NULL)::int);
		PERFORM zs_change(NEW, 'acknowledged', NEW.acked_at, NULL,
		    NULL);
	END IF;
	IF NEW.lease_id IS NOT NULL AND
	    NEW.lease_id IS DISTINCT FROM OLD.lease_id THEN
		PERFORM zs_change(NEW, 'leased', zs_now_ms(), NEW.visible_at,
		    NEW.delivery_count);
	END IF;
	IF OLD.lease_id IS NOT NULL AND NEW.lease_id IS NULL AND
	    NEW.acked_at IS NULL AND OLD.dead_at IS NULL AND
	    NEW.dead_at IS NULL THEN
		PERFORM zs_change(NEW, 'released', zs_now_ms(),
		    NEW.visible_at, NULL);
	END IF;
	IF OLD.dead_at IS NULL AND NEW.dead_at IS NOT NULL AND
	    NEW.acked_at IS NULL THEN
		PERFORM zs_count(NEW.tenant, NEW.source, -1, 0, 1);
		PERFORM zs_change(NEW, 'dead_lettered', NEW.dead_at, NULL,
		    OLD.delivery_count);
	END IF;
	IF OLD.dead_at IS NOT NULL AND NEW.dead_at IS NULL AND
	    NEW.acked_at IS NULL THEN
		PERFORM zs_count(NEW.tenant, NEW.source, 1, 0, -1);
		PERFORM zs_change(NEW, 'redriven', zs_now_ms(), NULL, NULL);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION zs_events_changed();

-- Every transaction that writes a change wakes the streams of every node
-- (LISTEN zapstream_changes). Notifications are delivered at commit and
-- folded within a transaction; they are only a hint: the streams read the
-- change table, and look anyway every second.
CREATE FUNCTION zs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('zapstream_changes', '');
	RETURN NULL;
END $$;

CREATE TRIGGER changes_notify AFTER INSERT ON changes
	FOR EACH STATEMENT EXECUTE FUNCTION zs_notify();

-- Idempotency keys, per tenant, remembered until expires_at. The primary
-- key makes a second row for one key impossible whatever the code does.
CREATE TABLE idempotency_keys (
	tenant		text NOT NULL,
	key		text NOT NULL,
	body_hash	bytea NOT NULL,		-- SHA-256 of the minified body
	event_id	text NOT NULL,
	created_at	bigint NOT NULL,	-- the event's, for replays
	expires_at	bigint NOT NULL,
	PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- The ingest tokens of webhook sources (see SQLite's migration 002).
CREATE TABLE webhook_tokens (
	token		text PRIMARY KEY,
	tenant		text NOT NULL,
	name		text NOT NULL,
	created_at	bigint NOT NULL,
	UNIQUE (tenant, name)
);
