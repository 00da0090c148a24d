-- Version 5: API idempotency keys and webhook deliveries get namespaces
-- of their own in idempotency_keys. A webhook delivery was stored as
-- "hook:<source>:<delivery id>" and an Idempotency-Key as sent, so a
-- client could send Idempotency-Key: hook:stripe:evt_123 and make the
-- genuine delivery evt_123 answer 422 later. Keys are now stored with
-- their scope's prefix, "api:" or "hook:" (zs_store_events.c). The rows
-- that are not a delivery's become "api:" ones (a client key that already
-- began with "hook:" cannot be told from a delivery: it stays one until it
-- expires, IDEMPOTENCY_TTL_HOURS). In two steps, through a prefix no key
-- can hold (a control character), so no row meets another on the way.
UPDATE idempotency_keys SET key = char(1) || key
	WHERE substr(key, 1, 5) <> 'hook:';
UPDATE idempotency_keys SET key = 'api:' || substr(key, 2)
	WHERE substr(key, 1, 1) = char(1);
