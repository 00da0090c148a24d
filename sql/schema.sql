-- ZapStream schema, version 1. Applied by `zs-admin migrate` (make db-init)
-- inside one transaction; later changes go in sql/migrations/NNN_name.sql,
-- where NNN is the user_version they bring the database to.

-- One row per stored event. seq is the storage order: AUTOINCREMENT so a
-- seq is never reused after a delete, which keeps cursors exact.
CREATE TABLE events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE,	-- "evt_" + ULID
	tenant		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,	-- Unix milliseconds
	source		TEXT,
	type		TEXT,
	topic		TEXT,
	payload		TEXT NOT NULL,		-- minified JSON object
	acked_at	INTEGER			-- Unix ms; NULL while pending
);
CREATE INDEX events_tenant_seq ON events (tenant, seq);
CREATE INDEX events_tenant_pending ON events (tenant, seq)
	WHERE acked_at IS NULL;
CREATE INDEX events_tenant_acked ON events (tenant, seq)
	WHERE acked_at IS NOT NULL;
CREATE INDEX events_acked_at ON events (acked_at)
	WHERE acked_at IS NOT NULL;
-- GET /stats counts the last hour's events per minute from this range.
CREATE INDEX events_tenant_created ON events (tenant, created_at);

-- Counts per tenant and source ('' for none), kept by the triggers below,
-- so GET /stats never counts rows: it reads a few of these.
CREATE TABLE source_counts (
	tenant		TEXT NOT NULL,
	source		TEXT NOT NULL,
	pending		INTEGER NOT NULL DEFAULT 0,
	acknowledged	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, source)
) WITHOUT ROWID;

-- The change sequence the live stream reads. Written only by the triggers
-- below, so no code path can forget it. seq is the SSE event id. The
-- event's source, type and topic are copied so the stream can filter a
-- deleted event's change too.
CREATE TABLE changes (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant		TEXT NOT NULL,
	kind		TEXT NOT NULL
			CHECK (kind IN ('created', 'acknowledged', 'deleted')),
	event_id	TEXT NOT NULL,
	at		INTEGER NOT NULL,	-- Unix milliseconds
	source		TEXT,
	type		TEXT,
	topic		TEXT
);
CREATE INDEX changes_tenant_seq ON changes (tenant, seq);

CREATE TRIGGER events_created AFTER INSERT ON events
BEGIN
	INSERT INTO source_counts (tenant, source, pending)
	VALUES (NEW.tenant, coalesce(NEW.source, ''), 1)
	ON CONFLICT (tenant, source) DO UPDATE SET pending = pending + 1;
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (NEW.tenant, 'created', NEW.id, NEW.created_at, NEW.source,
	    NEW.type, NEW.topic);
END;

CREATE TRIGGER events_acknowledged AFTER UPDATE OF acked_at ON events
WHEN OLD.acked_at IS NULL AND NEW.acked_at IS NOT NULL
BEGIN
	UPDATE source_counts SET pending = pending - 1,
	    acknowledged = acknowledged + 1
	WHERE tenant = NEW.tenant AND source = coalesce(NEW.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (NEW.tenant, 'acknowledged', NEW.id, NEW.acked_at, NEW.source,
	    NEW.type, NEW.topic);
END;

CREATE TRIGGER events_deleted AFTER DELETE ON events
BEGIN
	UPDATE source_counts SET pending = pending - (OLD.acked_at IS NULL),
	    acknowledged = acknowledged - (OLD.acked_at IS NOT NULL)
	WHERE tenant = OLD.tenant AND source = coalesce(OLD.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (OLD.tenant, 'deleted', OLD.id,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
	    OLD.source, OLD.type, OLD.topic);
END;

-- Idempotency keys, per tenant, remembered until expires_at.
CREATE TABLE idempotency_keys (
	tenant		TEXT NOT NULL,
	key		TEXT NOT NULL,
	body_hash	BLOB NOT NULL,		-- SHA-256 of the minified body
	event_id	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,	-- the event's, for replays
	expires_at	INTEGER NOT NULL,	-- Unix milliseconds
	PRIMARY KEY (tenant, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- The last ULID handed out, so ids increase across processes even within
-- one millisecond (read and written inside the insert transaction).
CREATE TABLE ulid_state (
	only		INTEGER PRIMARY KEY CHECK (only = 1),
	last		TEXT NOT NULL
);
INSERT INTO ulid_state (only, last) VALUES (1, '');
