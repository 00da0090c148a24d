-- Version 5: the webhook delivery log (SQLite's migration 006 says what
-- it keeps and why).
CREATE TABLE hook_rejections (
	seq		bigserial PRIMARY KEY,
	tenant		text NOT NULL,
	source		text NOT NULL,
	at		bigint NOT NULL,	-- Unix milliseconds
	reason		text NOT NULL,
	status		integer NOT NULL,
	request_id	text NOT NULL
);
CREATE INDEX hook_rejections_source ON hook_rejections (tenant, source, seq);
CREATE TABLE hook_rejection_counts (
	tenant		text NOT NULL,
	source		text NOT NULL,
	reason		text NOT NULL,
	n		bigint NOT NULL,
	last_at		bigint NOT NULL,
	PRIMARY KEY (tenant, source, reason)
);
