-- Version 6: the webhook delivery log. A delivery a source refused (a bad
-- signature, a stale timestamp, a body that is not JSON or too large, a
-- rate limit, a conflicting duplicate) is kept with its time, reason,
-- status and request id, never its body or a secret; the newest 100 per
-- source stay (zs_store_hooks.c trims), and the counts by reason grow.
-- GET /hooks and GET /hooks/{name}/rejections read them.
CREATE TABLE hook_rejections (
	seq		INTEGER PRIMARY KEY,	-- insertion order
	tenant		TEXT NOT NULL,
	source		TEXT NOT NULL,
	at		INTEGER NOT NULL,	-- Unix milliseconds
	reason		TEXT NOT NULL,
	status		INTEGER NOT NULL,	-- the HTTP status answered
	request_id	TEXT NOT NULL
);
CREATE INDEX hook_rejections_source ON hook_rejections (tenant, source, seq);
CREATE TABLE hook_rejection_counts (
	tenant		TEXT NOT NULL,
	source		TEXT NOT NULL,
	reason		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	last_at		INTEGER NOT NULL,	-- Unix milliseconds
	PRIMARY KEY (tenant, source, reason)
) WITHOUT ROWID;
