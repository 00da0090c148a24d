-- Version 2: the rate-limit buckets, shared by every node. One row per API
-- key (by a hash of the key, never the key) and per webhook source. A
-- request takes a token with one call of zs_rate_take, which locks only
-- its own bucket's row: the arithmetic is zs_ratelimit_bucket's.
CREATE TABLE rate_buckets (
	key		text PRIMARY KEY,	-- 'api:<sha-256 prefix>', 'hook:...'
	tokens		double precision NOT NULL,
	last_ms		bigint NOT NULL
);

-- Takes one token from bucket k of capacity cap at now_ms: tokens is what
-- is left, allowed whether one was taken.
CREATE FUNCTION zs_rate_take(k text, cap bigint, now_ms bigint,
    OUT tokens double precision, OUT allowed boolean)
LANGUAGE plpgsql AS $$
DECLARE
	t double precision;
	last bigint;
BEGIN
	INSERT INTO rate_buckets (key, tokens, last_ms) VALUES (k, cap, 0)
	    ON CONFLICT (key) DO NOTHING;
	SELECT b.tokens, b.last_ms INTO t, last FROM rate_buckets b
	    WHERE b.key = k FOR UPDATE;
	IF last = 0 OR t > cap OR t < 0 THEN
		t := cap;		-- new or damaged: full
	ELSIF now_ms > last THEN
		t := least(cap::double precision,
		    t + (now_ms - last) * (cap / 60000.0));
	END IF;
	allowed := t >= 1.0;
	IF allowed THEN
		t := t - 1.0;
	END IF;
	tokens := t;
	UPDATE rate_buckets SET tokens = t, last_ms = greatest(last, now_ms)
	    WHERE key = k;
END $$;
