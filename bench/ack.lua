-- wrk script: POST /inbox/{id}/ack as tenant_dev, each request a distinct
-- pending id. Arguments (after wrk's --): IDS_FILE START COUNT THREADS:
-- the ids on lines START+1 .. START+COUNT of IDS_FILE (bench/seed writes
-- them, shuffled), dealt out round-robin to wrk's THREADS threads (the
-- same number as wrk's -t). A thread that has used up its ids stops once
-- as many acks as it had ids are answered, so the run may end before -d;
-- requests its connections send meanwhile re-ack its last id (a 200 on
-- the cheaper already-acknowledged path), at most one per connection.
local counter = 0

function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
end

local ids = {}
local sent = 0
local answered = 0

function init(args)
	local file, start, count = args[1], tonumber(args[2]), tonumber(args[3])
	local nthreads = tonumber(args[4]) or 1
	local tid = tonumber(wrk.thread:get("tid"))
	local i = 0
	for line in io.lines(file) do
		if i >= start + count then break end
		if i >= start and (i - start) % nthreads == tid then
			ids[#ids + 1] = line
		end
		i = i + 1
	end
	if #ids == 0 then
		error("ack.lua: no ids for thread " .. tid)
	end
	wrk.headers["Authorization"] = "Bearer dev_key_123"
end

function request()
	local id
	if sent < #ids then
		sent = sent + 1
		id = ids[sent]
	else
		id = ids[#ids]
	end
	return wrk.format("POST", "/inbox/" .. id .. "/ack", nil, "")
end

function response(status, headers, body)
	answered = answered + 1
	if answered >= #ids then
		wrk.thread:stop()
	end
end
