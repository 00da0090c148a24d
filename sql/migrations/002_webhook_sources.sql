-- Version 2: the ingest tokens of webhook sources. The sources themselves
-- (name, tenant, scheme, signing secret, topic) are configuration
-- (WEBHOOK_SOURCES or WEBHOOK_SOURCES_FILE), so no secret is ever stored
-- in the database; only the random token of each source's URL
-- POST /hooks/{token} is, so the URL stays the same across restarts and
-- in every process. A token is made the first time its source is seen
-- (by zs-hooks or zs-admin) and replaced by zs-admin hook-rotate.
CREATE TABLE webhook_tokens (
	token		TEXT PRIMARY KEY,	-- 32 base64url chars, 192 bits
	tenant		TEXT NOT NULL,
	name		TEXT NOT NULL,		-- the source's name
	created_at	INTEGER NOT NULL,	-- Unix milliseconds
	UNIQUE (tenant, name)
) WITHOUT ROWID;
