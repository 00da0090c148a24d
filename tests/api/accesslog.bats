#!/usr/bin/env bats
# The access log: one JSON line per request (ACCESS_LOG), with the request
# id the client saw, and never a key, a query or a body.

load ../helpers/suite

setup_file() {
	# (a directory any user may write: under Apache CGI the responders
	# run as www-data)
	ACCESS_DIR=$(mktemp -d /tmp/zs-access.XXXXXX)
	chmod 1777 "$ACCESS_DIR"
	export ACCESS_DIR ACCESS_LOG=$ACCESS_DIR/access.log
	zs_start
}

# (replaces suite.bash's: so it must stop the servers too)
teardown_file() {
	zs_stop_all
	rm -rf "$ACCESS_DIR"
}

# lines_for ID [SECONDS]: the access-log lines of request id ID (waits up
# to SECONDS, default 2, for the one of a request that has only just ended).
lines_for() {
	local i
	for i in $(seq 1 $((${2:-2} * 10))); do
		grep -F "\"request_id\":\"$1\"" "$ACCESS_LOG" && return 0
		sleep 0.1
	done
	return 1
}

@test "each request is one JSON line with its id, route, status, tenant and size" {
	req_a GET '/inbox?limit=1' -H 'X-Request-Id: acc-list-1'
	[ "$status_code" = 200 ]
	line=$(lines_for acc-list-1)
	[ "$(wc -l <<<"$line")" = 1 ]
	[ "$(jq -c '[.method, .route, .status, .tenant]' <<<"$line")" = '["GET","/inbox",200,"tenant_a"]' ]
	jq -e '(.duration_ms | type == "number") and .bytes > 0' <<<"$line" >/dev/null
	[[ "$(jq -r .time <<<"$line")" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z$ ]]

	post_event '{"payload":{"secret":"body-must-not-appear"}}' -H 'X-Request-Id: acc-post-1'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	[ "$(lines_for acc-post-1 | jq -c '[.method, .route, .status]')" = '["POST","/events",201]' ]
	req_a GET "/inbox/$id" -H 'X-Request-Id: acc-get-1'
	[ "$(lines_for acc-get-1 | jq -r .route)" = '/inbox/{id}' ]
}

@test "refusals are logged too: a wrong key, an unknown route, a bad method" {
	req GET /inbox -H 'X-API-Key: not_a_key' -H 'X-Request-Id: acc-401'
	[ "$status_code" = 401 ]
	[ "$(lines_for acc-401 | jq -c '[.status, .tenant]')" = '[401,null]' ]
	req GET /no/such/route -H 'X-Request-Id: acc-404'
	[ "$(lines_for acc-404 | jq -c '[.route, .status]')" = '[null,404]' ]
	req PUT /inbox -H "X-API-Key: $KEY_A" -H 'X-Request-Id: acc-405'
	[ "$(lines_for acc-405 | jq -c '[.method, .status]')" = '["OTHER",405]' ]
	# a server-made id is the one the client got
	req_a GET /stats
	lines_for "$(header x-request-id)" >/dev/null
}

@test "a stream's line is written when it closes" {
	curl -sN -m 2 -H 'X-Request-Id: acc-stream' "$ZS_URL/inbox/stream?api_key=$KEY_A" >/dev/null || :
	# (under Apache CGI the stream's process finds out that the client
	# left only when Apache does, which a loaded machine may delay)
	line=$(lines_for acc-stream 10)
	[ "$(jq -c '[.route, .status, .tenant]' <<<"$line")" = '["/inbox/stream",200,"tenant_a"]' ]
	jq -e '.duration_ms >= 1000' <<<"$line" >/dev/null
}

@test "no key, query or body ever reaches the log" {
	req_a GET '/inbox?topic=acc-query-topic'
	curl -sN -m 1 "$ZS_URL/inbox/stream?api_key=$KEY_A&topic=acc-q" >/dev/null || :
	sleep 0.5
	! grep -q -e key_a -e key_b -e api_key -e acc-query-topic -e body-must-not-appear "$ACCESS_LOG"
	# and every line is JSON
	jq -e . "$ACCESS_LOG" >/dev/null
}

@test "ACCESS_LOG=off writes nothing; unset, lines go to the error log" {
	zs_stop_all
	ACCESS_LOG=off zs_start
	req_a GET /inbox -H 'X-Request-Id: acc-off'
	sleep 0.3
	! grep -q acc-off "$ZS_LOG"
	zs_stop_all
	unset ACCESS_LOG
	zs_start
	req_a GET /inbox -H 'X-Request-Id: acc-stderr'
	sleep 0.3
	grep -q '"request_id":"acc-stderr"' "$ZS_LOG"
}
