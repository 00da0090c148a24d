-- Version 4: the installation's secret, 32 random bytes as 64 hex digits,
-- made once here. Each tenant's key for sealing public ids is derived from
-- it (fcgi/util/zs_seal.h): the SSE id of a change and a paging cursor
-- stand for a seq that counts every tenant's writes, and are published
-- sealed so that no tenant can watch another's volume. It lives in the
-- database so every process and every node shares it and it survives
-- restarts (zs-admin copy-to-postgres carries it over); whoever can read
-- this file can read every event anyway.
CREATE TABLE install_secret (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	secret		TEXT NOT NULL		-- 64 hex digits
);
INSERT INTO install_secret (one, secret)
	VALUES (1, lower(hex(randomblob(32))));
