-- wrk script: GET /inbox?q= as tenant_dev, each request a random customer
-- of bench/seed.c's payloads ("cus_NNNNNN": about one event in a million
-- has a given one), so every search is selective and none is cached.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer dev_key_123"

request = function()
	local q = string.format("cus_%06d", math.random(0, 999999))
	return wrk.format(nil, "/inbox?status=all&limit=50&q=" .. q)
end
