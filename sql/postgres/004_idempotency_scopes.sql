-- Version 4: API idempotency keys and webhook deliveries get namespaces
-- of their own, "api:" and "hook:" (SQLite's migration 005 says why and
-- how), in two steps through a prefix no key can hold.
UPDATE idempotency_keys SET key = chr(1) || key
	WHERE substr(key, 1, 5) <> 'hook:';
UPDATE idempotency_keys SET key = 'api:' || substr(key, 2)
	WHERE substr(key, 1, 1) = chr(1);
