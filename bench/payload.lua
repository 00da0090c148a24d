-- wrk script: GET /inbox?payload.customer= as tenant_dev, each request a
-- random customer of bench/seed.c's payloads (selective, like search.lua).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer dev_key_123"

request = function()
	local c = string.format("cus_%06d", math.random(0, 999999))
	return wrk.format(nil, "/inbox?status=all&limit=50&payload.customer=" .. c)
end
