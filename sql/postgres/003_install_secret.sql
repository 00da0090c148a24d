-- Version 3: the installation's secret, from which each tenant's key for
-- sealing public ids is derived (SQLite's migration 004 says why). 64 hex
-- digits: SHA-256 of two random UUIDs (gen_random_uuid is in core
-- PostgreSQL since 13; pgcrypto is not needed), 244 random bits.
-- zs-admin copy-to-postgres replaces it with the SQLite inbox's, so ids
-- handed out before the move stay valid.
CREATE TABLE install_secret (
	one		integer PRIMARY KEY CHECK (one = 1),
	secret		text NOT NULL		-- 64 hex digits
);
INSERT INTO install_secret (one, secret)
	VALUES (1, encode(sha256(convert_to(gen_random_uuid()::text ||
	    gen_random_uuid()::text, 'UTF8')), 'hex'));
