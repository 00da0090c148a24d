#!/usr/bin/env bats
# GET /stats: counts and the last hour per minute, per tenant.

load ../helpers/suite

setup_file() {
	# tenant_c: a tenant of its own for the oldest-pending test
	export API_KEYS=dev_key_123=tenant_dev,key_a=tenant_a,key_a2=tenant_a,key_b=tenant_b,key_c=tenant_c
	zs_start
}

# stats KEY: GET /stats with that key; leaves $body.
stats() { req GET /stats -H "X-API-Key: $1"; [ "$status_code" = 200 ]; }

@test "an empty inbox has zero counts and sixty empty minutes" {
	before=$(date -u +%Y-%m-%dT%H:%M)
	stats dev_key_123
	after=$(date -u +%Y-%m-%dT%H:%M)
	[ "$(jq -c '[.pending, .acknowledged, .total, .by_source, .oldest_pending_at]' <<<"$body")" = '[0,0,0,[],null]' ]
	[ "$(jq '.per_minute | length' <<<"$body")" = 60 ]
	[ "$(jq '[.per_minute[].count] | add' <<<"$body")" = 0 ]
	# the last minute is the current one (the request may cross a minute)
	last=$(jq -r '.per_minute[59].minute' <<<"$body")
	[ "$last" = "$before:00.000Z" ] || [ "$last" = "$after:00.000Z" ]
}

@test "oldest_pending_at is the creation of the oldest event neither leased nor dead" {
	d() { req "$@" -H "X-API-Key: key_c"; }
	for n in 1 2; do
		d POST /events -H 'Content-Type: application/json' --data-binary '{"payload":{}}'
		[ "$status_code" = 201 ]
		created[$n]=$(jq -r .received_at <<<"$body")
		id[$n]=$(jq -r .id <<<"$body")
		sleep 0.01
	done
	stats key_c
	[ "$(jq -r .oldest_pending_at <<<"$body")" = "${created[1]}" ]
	d POST /inbox/lease -H 'Content-Type: application/json' --data-binary '{"limit":1}'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "${id[1]}" ]
	stats key_c
	[ "$(jq -r .oldest_pending_at <<<"$body")" = "${created[2]}" ]
	d POST "/inbox/${id[2]}/ack" -d ''
	stats key_c
	[ "$(jq -c '[.leased, .oldest_pending_at]' <<<"$body")" = '[1,null]' ]
}

@test "posting, acknowledging and deleting move the counts" {
	a=$(new_event '{"source":"billing","payload":{}}')
	b=$(new_event '{"source":"billing","payload":{}}')
	c=$(new_event '{"source":"github","payload":{}}')
	d=$(new_event '{"payload":{}}')
	stats $KEY_A
	[ "$(jq -c '[.pending, .acknowledged, .total]' <<<"$body")" = '[4,0,4]' ]
	[ "$(jq -c '.by_source' <<<"$body")" = '[{"source":"billing","count":2},{"source":null,"count":1},{"source":"github","count":1}]' ] ||
	[ "$(jq -c '.by_source' <<<"$body")" = '[{"source":"billing","count":2},{"source":"github","count":1},{"source":null,"count":1}]' ]
	[ "$(jq '.per_minute[-1].count + .per_minute[-2].count' <<<"$body")" = 4 ]
	req_a POST "/inbox/$a/ack" -d ''
	req_a POST "/inbox/$a/ack" -d ''
	stats $KEY_A
	[ "$(jq -c '[.pending, .acknowledged, .total]' <<<"$body")" = '[3,1,4]' ]
	req_a DELETE "/inbox/$a"
	req_a DELETE "/inbox/$c"
	stats $KEY_A
	[ "$(jq -c '[.pending, .acknowledged, .total]' <<<"$body")" = '[2,0,2]' ]
	[ "$(jq -c '[.by_source[].source]' <<<"$body")" = '["billing",null]' ] ||
	[ "$(jq -c '[.by_source[].source]' <<<"$body")" = '[null,"billing"]' ]
}

@test "the counts agree with the events table after mixed concurrent work" {
	for i in $(seq 1 30); do
		curl -s -o /dev/null -X POST "$ZS_URL/events" -H "X-API-Key: $KEY_B" \
			-H 'Content-Type: application/json' -d "{\"source\":\"s$((i % 3))\",\"payload\":{}}" &
	done
	wait
	req_b GET '/inbox?limit=20'
	for id in $(jq -r '.events[].id' <<<"$body" | head -n 10); do
		curl -s -o /dev/null -X POST "$ZS_URL/inbox/$id/ack" -H "X-API-Key: $KEY_B" -d '' &
	done
	for id in $(jq -r '.events[].id' <<<"$body" | tail -n 5); do
		curl -s -o /dev/null -X DELETE "$ZS_URL/inbox/$id" -H "X-API-Key: $KEY_B" &
	done
	wait
	stats $KEY_B
	want=$(zs_sql "SELECT count(*) FILTER (WHERE acked_at IS NULL) || ',' || count(*) FILTER (WHERE acked_at IS NOT NULL) || ',' || count(*) FROM events WHERE tenant = 'tenant_b'")
	[ "$(jq -r '"\(.pending),\(.acknowledged),\(.total)"' <<<"$body")" = "$want" ]
	[ "$(jq '[.by_source[].count] | add' <<<"$body")" = "${want##*,}" ]
}

@test "per_minute counts events by the minute they were created" {
	now=$(date +%s)
	zs_sql "INSERT INTO events (id, tenant, created_at, payload) VALUES
		('evt_stats_old', 'tenant_dev', $(( (now - 600) * 1000 )), '{}'),
		('evt_stats_older', 'tenant_dev', $(( (now - 7200) * 1000 )), '{}')"
	stats dev_key_123
	[ "$(jq '[.per_minute[].count] | add' <<<"$body")" = 1 ]
	[ "$(jq '[.per_minute[] | select(.count == 1)][0].minute' <<<"$body")" != null ]
	[ "$(jq .total <<<"$body")" = 2 ]
}

@test "stats are per tenant, need a key and take no parameters" {
	stats $KEY_A
	a_total=$(jq .total <<<"$body")
	new_event >/dev/null
	stats $KEY_B
	b_total=$(jq .total <<<"$body")
	stats $KEY_A
	[ "$(jq .total <<<"$body")" = $((a_total + 1)) ]
	stats $KEY_B
	[ "$(jq .total <<<"$body")" = "$b_total" ]
	req GET /stats
	expect_error 401 UNAUTHORIZED
	req GET '/stats?window=2h' -H "X-API-Key: $KEY_A"
	expect_error 400 INVALID_PARAMETER
	req POST /stats -H "X-API-Key: $KEY_A" -d ''
	expect_error 405 METHOD_NOT_ALLOWED
}
