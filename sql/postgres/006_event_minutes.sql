-- Version 6: events received per tenant and minute, for GET /stats (as
-- SQLite's migration 008, which says why a trigger keeps them and why a
-- delete or purge does not take an event back out of its minute).
CREATE TABLE event_minutes (
	tenant		text NOT NULL,
	minute		bigint NOT NULL,	-- Unix ms / 60000
	count		bigint NOT NULL,
	PRIMARY KEY (tenant, minute)
);
-- for the purge of old minutes, across tenants; one entry per new row
-- (a minute's first event); updates of count alone can be HOT
CREATE INDEX event_minutes_minute ON event_minutes (minute);

-- Writers queue on zs_state's row lock (001_schema.sql), so the upsert of
-- a busy minute's row waits for nobody that was not waited for already.
CREATE FUNCTION zs_event_minute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO event_minutes AS m (tenant, minute, count)
	VALUES (NEW.tenant, NEW.created_at / 60000, 1)
	ON CONFLICT (tenant, minute) DO UPDATE SET count = m.count + 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER events_minute AFTER INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION zs_event_minute();

INSERT INTO event_minutes (tenant, minute, count)
	SELECT tenant, created_at / 60000, count(*) FROM events
	GROUP BY tenant, created_at / 60000;
