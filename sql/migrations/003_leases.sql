-- Version 3: leases (visibility timeouts), delivery counts and dead letters
-- for POST /inbox/lease. An event's state, from its columns:
--   acknowledged  acked_at IS NOT NULL
--   dead          dead_at IS NOT NULL (and not acknowledged)
--   leased        lease_id IS NOT NULL AND visible_at > now
--   pending       otherwise; a lease may take it once visible_at is past
-- A lease sets lease_id and visible_at (its expiry) and counts a delivery;
-- an expired lease keeps its lease_id until the next lease replaces it, so
-- an acknowledgement can tell the worker that its lease was lost.
ALTER TABLE events ADD COLUMN delivery_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN lease_id TEXT;	-- "lse_" + 26 random chars
ALTER TABLE events ADD COLUMN visible_at INTEGER; -- Unix ms; NULL: now
ALTER TABLE events ADD COLUMN dead_at INTEGER;	-- Unix ms; NULL: not dead

-- Dead events leave the pending index and get their own.
DROP INDEX events_tenant_pending;
CREATE INDEX events_tenant_pending ON events (tenant, seq)
	WHERE acked_at IS NULL AND dead_at IS NULL;
CREATE INDEX events_tenant_dead ON events (tenant, seq)
	WHERE dead_at IS NOT NULL AND acked_at IS NULL;
-- Live leases and delayed releases, by when they end: a long poll's next
-- wake-up and the /stats count of leased events read this.
CREATE INDEX events_tenant_visible ON events (tenant, visible_at)
	WHERE acked_at IS NULL AND dead_at IS NULL AND visible_at IS NOT NULL;

ALTER TABLE source_counts ADD COLUMN dead INTEGER NOT NULL DEFAULT 0;

-- The change table gains four kinds, which its CHECK constraint forbids, so
-- it is rebuilt (SQLite's documented twelve steps): the triggers that write
-- it go first and come back below. Its AUTOINCREMENT counter is carried
-- over, so a change seq (an SSE id) is never reused.
DROP TRIGGER events_created;
DROP TRIGGER events_acknowledged;
DROP TRIGGER events_deleted;

CREATE TABLE changes_v3 (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant		TEXT NOT NULL,
	kind		TEXT NOT NULL
			CHECK (kind IN ('created', 'acknowledged', 'deleted',
			    'leased', 'released', 'dead_lettered', 'redriven')),
	event_id	TEXT NOT NULL,
	at		INTEGER NOT NULL,	-- Unix milliseconds
	source		TEXT,
	type		TEXT,
	topic		TEXT,
	until_at	INTEGER,	-- leased: lease end; released: visible
	deliveries	INTEGER		-- leased: the event's delivery_count
);
INSERT INTO changes_v3 (seq, tenant, kind, event_id, at, source, type, topic)
	SELECT seq, tenant, kind, event_id, at, source, type, topic
	FROM changes;
DELETE FROM sqlite_sequence WHERE name = 'changes_v3';
INSERT INTO sqlite_sequence (name, seq)
	SELECT 'changes_v3', seq FROM sqlite_sequence WHERE name = 'changes';
DROP TABLE changes;
ALTER TABLE changes_v3 RENAME TO changes;
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

-- An acknowledgement also ends a dead letter (an ack always succeeds).
CREATE TRIGGER events_acknowledged AFTER UPDATE OF acked_at ON events
WHEN OLD.acked_at IS NULL AND NEW.acked_at IS NOT NULL
BEGIN
	UPDATE source_counts SET pending = pending - (OLD.dead_at IS NULL),
	    dead = dead - (OLD.dead_at IS NOT NULL),
	    acknowledged = acknowledged + 1
	WHERE tenant = NEW.tenant AND source = coalesce(NEW.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (NEW.tenant, 'acknowledged', NEW.id, NEW.acked_at, NEW.source,
	    NEW.type, NEW.topic);
END;

CREATE TRIGGER events_deleted AFTER DELETE ON events
BEGIN
	UPDATE source_counts SET
	    pending = pending - (OLD.acked_at IS NULL AND OLD.dead_at IS NULL),
	    dead = dead - (OLD.acked_at IS NULL AND OLD.dead_at IS NOT NULL),
	    acknowledged = acknowledged - (OLD.acked_at IS NOT NULL)
	WHERE tenant = OLD.tenant AND source = coalesce(OLD.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (OLD.tenant, 'deleted', OLD.id,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
	    OLD.source, OLD.type, OLD.topic);
END;

-- A new lease: lease_id changes to a new handle (delivery_count went up
-- in the same statement).
CREATE TRIGGER events_leased AFTER UPDATE OF lease_id ON events
WHEN NEW.lease_id IS NOT NULL AND NEW.lease_id IS NOT OLD.lease_id
BEGIN
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic,
	    until_at, deliveries)
	VALUES (NEW.tenant, 'leased', NEW.id,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
	    NEW.source, NEW.type, NEW.topic, NEW.visible_at,
	    NEW.delivery_count);
END;

-- A lease given back early (POST /inbox/{id}/release); dead-lettering and
-- redriving clear lease_id too, but are reported as themselves.
CREATE TRIGGER events_released AFTER UPDATE OF lease_id ON events
WHEN OLD.lease_id IS NOT NULL AND NEW.lease_id IS NULL
    AND NEW.acked_at IS NULL AND OLD.dead_at IS NULL AND NEW.dead_at IS NULL
BEGIN
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic,
	    until_at)
	VALUES (NEW.tenant, 'released', NEW.id,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
	    NEW.source, NEW.type, NEW.topic, NEW.visible_at);
END;

CREATE TRIGGER events_dead_lettered AFTER UPDATE OF dead_at ON events
WHEN OLD.dead_at IS NULL AND NEW.dead_at IS NOT NULL
    AND NEW.acked_at IS NULL
BEGIN
	UPDATE source_counts SET pending = pending - 1, dead = dead + 1
	WHERE tenant = NEW.tenant AND source = coalesce(NEW.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic,
	    deliveries)
	VALUES (NEW.tenant, 'dead_lettered', NEW.id, NEW.dead_at, NEW.source,
	    NEW.type, NEW.topic, OLD.delivery_count);
END;

CREATE TRIGGER events_redriven AFTER UPDATE OF dead_at ON events
WHEN OLD.dead_at IS NOT NULL AND NEW.dead_at IS NULL
    AND NEW.acked_at IS NULL
BEGIN
	UPDATE source_counts SET pending = pending + 1, dead = dead - 1
	WHERE tenant = NEW.tenant AND source = coalesce(NEW.source, '');
	INSERT INTO changes (tenant, kind, event_id, at, source, type, topic)
	VALUES (NEW.tenant, 'redriven', NEW.id,
	    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
	    NEW.source, NEW.type, NEW.topic);
END;
