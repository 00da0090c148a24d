-- Version 8: events received per tenant and minute, for GET /stats, which
-- read them from an index range of events before: its cost grew with the
-- last hour's ingest. minute is the Unix minute of created_at
-- (created_at / 60000); count is how many events were stored in it.
--
-- Kept by a trigger, like source_counts, rather than by the store in the
-- insert transaction: every path that stores an event (the API, webhooks,
-- zs-admin copy-to-postgres on the other backend, a test's own INSERT) is
-- counted without having to remember it, in the same transaction. It is a
-- count of events received: a delete or a purge does not take an event
-- back out of its minute (the dashboard charts what arrived), so a row
-- is only ever added to. zs-admin purge removes the rows older than the
-- widest range, 7 days, and one more (ZS_STATS_KEEP_MS), whatever
-- RETENTION_DAYS keeps of the events: at most 11,520 rows per tenant.
CREATE TABLE event_minutes (
	tenant		TEXT NOT NULL,
	minute		INTEGER NOT NULL,	-- Unix ms / 60000
	count		INTEGER NOT NULL,
	PRIMARY KEY (tenant, minute)
) WITHOUT ROWID;
-- for the purge of old minutes, across tenants; one entry per new row
-- (a minute's first event), none for the count's updates
CREATE INDEX event_minutes_minute ON event_minutes (minute);

CREATE TRIGGER events_minute AFTER INSERT ON events
BEGIN
	INSERT INTO event_minutes (tenant, minute, count)
	VALUES (NEW.tenant, NEW.created_at / 60000, 1)
	ON CONFLICT (tenant, minute) DO UPDATE SET count = count + 1;
END;

-- The events already stored, as if the trigger had seen them arrive.
INSERT INTO event_minutes (tenant, minute, count)
	SELECT tenant, created_at / 60000, count(*) FROM events
	GROUP BY tenant, created_at / 60000;
