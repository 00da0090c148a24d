#!/usr/bin/env bats
# GET /stats: counts and events received per minute, hour or day
# (?range=1h|24h|7d, or a custom ?since=&until=), per tenant.

load ../helpers/suite

setup_file() {
	# tenant_c: a tenant of its own for the oldest-pending test
	export API_KEYS=dev_key_123=tenant_dev,key_a=tenant_a,key_a2=tenant_a,key_b=tenant_b,key_c=tenant_c,key_r=tenant_r,key_d=tenant_d,key_p=tenant_p,key_w=tenant_w
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

@test "stats are per tenant, need a key and take no parameter but range, since and until" {
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
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = window ]
	req POST /stats -H "X-API-Key: $KEY_A" -d ''
	expect_error 405 METHOD_NOT_ALLOWED
}

# at MS: the ISO time of Unix ms MS, as GET /stats writes it.
at() { date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S.000Z; }

@test "range=1h, 24h and 7d count events received per minute, hour and day" {
	now=$(date +%s)
	# an hour's minutes, a day's hours and a week's days, UTC
	zs_sql "INSERT INTO events (id, tenant, created_at, payload) VALUES
		('evt_range_1', 'tenant_r', $(( (now - 600) * 1000 )), '{}'),
		('evt_range_2', 'tenant_r', $(( (now - 600) * 1000 + 1 )), '{}'),
		('evt_range_3', 'tenant_r', $(( (now - 7200) * 1000 )), '{}'),
		('evt_range_4', 'tenant_r', $(( (now - 3 * 86400) * 1000 )), '{}'),
		('evt_range_5', 'tenant_r', $(( (now - 9 * 86400) * 1000 )), '{}')"
	# the default is 1h: per_minute as before, and the same as buckets
	stats key_r
	[ "$(jq -c '[.range, .bucket, (.per_minute | length), (.buckets | length)]' <<<"$body")" = '["1h","minute",60,60]' ]
	[ "$(jq -c '[.per_minute[] | [.minute, .count]] == [.buckets[] | [.start, .count]]' <<<"$body")" = true ]
	[ "$(jq '[.buckets[] | select(.count == 2)] | length' <<<"$body")" = 1 ]
	[ "$(jq '[.buckets[].count] | add' <<<"$body")" = 2 ]
	m=$(( (now - 600) / 60 * 60000 ))
	[ "$(jq -r --arg s "$(at $m)" '.buckets[] | select(.start == $s) | .count' <<<"$body")" = 2 ]
	req GET '/stats?range=1h' -H "X-API-Key: key_r"
	[ "$(jq -c '[.range, .bucket, (.per_minute | length)]' <<<"$body")" = '["1h","minute",60]' ]

	req GET '/stats?range=24h' -H "X-API-Key: key_r"
	[ "$status_code" = 200 ]
	[ "$(jq -c '[.range, .bucket, (.buckets | length), has("per_minute")]' <<<"$body")" = '["24h","hour",24,false]' ]
	[ "$(jq '[.buckets[].count] | add' <<<"$body")" = 3 ]
	[ "$(jq '.total' <<<"$body")" = 5 ]
	# hour buckets start on the hour, the last one holding now
	last=$(jq -r '.buckets[23].start' <<<"$body")
	[ "$last" = "$(at $(( now / 3600 * 3600000 )))" ] || [ "$last" = "$(at $(( $(date +%s) / 3600 * 3600000 )))" ]
	[ "$(jq -r '.buckets[0].start' <<<"$body")" = "$(at $(( ($(date -u -d "$last" +%s) - 23 * 3600) * 1000 )))" ]
	[ "$(jq -r --arg s "$(at $(( (now - 7200) / 3600 * 3600000 )))" '.buckets[] | select(.start == $s) | .count' <<<"$body")" = 1 ]

	req GET '/stats?range=7d' -H "X-API-Key: key_r"
	[ "$status_code" = 200 ]
	[ "$(jq -c '[.range, .bucket, (.buckets | length)]' <<<"$body")" = '["7d","day",7]' ]
	[ "$(jq '[.buckets[].count] | add' <<<"$body")" = 4 ]
	last=$(jq -r '.buckets[6].start' <<<"$body")
	[ "$last" = "$(at $(( now / 86400 * 86400000 )))" ] || [ "$last" = "$(at $(( $(date +%s) / 86400 * 86400000 )))" ]
	[[ "$last" == *T00:00:00.000Z ]]
	[ "$(jq -r --arg s "$(at $(( (now - 3 * 86400) / 86400 * 86400000 )))" '.buckets[] | select(.start == $s) | .count' <<<"$body")" = 1 ]
}

@test "since and until give a custom window: minutes, hours or days, whichever 60 of cover it" {
	now=$(date +%s)
	since=$(( (now - 5 * 3600) / 3600 * 3600 + 600 ))	# a whole minute
	until=$(( since + 1800 ))
	zs_sql "INSERT INTO events (id, tenant, created_at, payload) VALUES
		('evt_win_1', 'tenant_w', $(( (since + 1) * 1000 )), '{}'),
		('evt_win_2', 'tenant_w', $(( (since + 1799) * 1000 )), '{}'),
		('evt_win_3', 'tenant_w', $(( (since - 120) * 1000 )), '{}'),
		('evt_win_4', 'tenant_w', $(( (until + 60) * 1000 )), '{}')"
	req GET "/stats?since=$(at $((since * 1000)))&until=$(at $((until * 1000)))" -H "X-API-Key: key_w"
	[ "$status_code" = 200 ]
	[ "$(jq -c '[.range, .bucket, (.buckets | length), has("per_minute")]' <<<"$body")" = '["custom","minute",30,false]' ]
	[ "$(jq -r '.buckets[0].start' <<<"$body")" = "$(at $((since * 1000)))" ]
	[ "$(jq -c '[.buckets[0].count, .buckets[29].count, ([.buckets[].count] | add)]' <<<"$body")" = '[1,1,2]' ]
	# two days to now: hours, the last one holding now
	req GET "/stats?since=$(at $(( (now - 2 * 86400) * 1000 )))" -H "X-API-Key: key_w"
	[ "$(jq -c '[.range, .bucket, (.buckets | length)]' <<<"$body")" = '["custom","hour",49]' ]
	[ "$(jq '[.buckets[].count] | add' <<<"$body")" = 4 ]
	last=$(jq -r '.buckets[48].start' <<<"$body")
	[ "$last" = "$(at $(( now / 3600 * 3600000 )))" ] || [ "$last" = "$(at $(( $(date +%s) / 3600 * 3600000 )))" ]
	# six days: days
	req GET "/stats?since=$(at $(( (now - 6 * 86400) * 1000 )))&until=$(at $(( (now + 86400) * 1000 )))" -H "X-API-Key: key_w"
	[ "$(jq -c '[.bucket, (.buckets | length <= 7), ([.buckets[].count] | add)]' <<<"$body")" = '["day",true,4]' ]
}

@test "a custom window out of reach is 422 naming since or until; one given with range is 400" {
	now=$(date +%s)
	for q in "since=$(at $(( (now - 8 * 86400) * 1000 )))" "since=$(at $(( (now + 60) * 1000 )))" \
		"since=$(at $(( now * 1000 )))&until=$(at $(( (now - 60) * 1000 )))"; do
		req GET "/stats?$q" -H "X-API-Key: $KEY_A"
		expect_error 422 VALIDATION_FAILED
	done
	req GET "/stats?since=$(at $(( (now - 8 * 86400) * 1000 )))" -H "X-API-Key: $KEY_A"
	[ "$(jq -r '.error.details[0] | .field + " " + .message' <<<"$body")" = "since must be within the last 7 days: the counts per minute are kept that long" ]
	req GET "/stats?since=$(at $(( now * 1000 )))&until=$(at $(( (now - 60) * 1000 )))" -H "X-API-Key: $KEY_A"
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = until ]
	for q in "range=1h&since=$(at $(( now * 1000 )))" "until=$(at $(( now * 1000 )))" 'since=today'; do
		req GET "/stats?$q" -H "X-API-Key: $KEY_A"
		expect_error 400 INVALID_PARAMETER
	done
}

@test "the buckets count events received: a delete does not take one back" {
	d() { req "$@" -H "X-API-Key: key_d"; }
	d POST /events -H 'Content-Type: application/json' --data-binary '{"payload":{}}'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	d DELETE "/inbox/$id"
	stats key_d
	[ "$(jq '.total' <<<"$body")" = 0 ]
	[ "$(jq '[.buckets[].count] | add' <<<"$body")" = 1 ]
	# kept by the store as events are written, not counted from events
	[ "$(zs_sql "SELECT sum(count) FROM event_minutes WHERE tenant = 'tenant_d'")" = 1 ]
}

@test "a bad range is a 400 naming range" {
	for q in 'range=2h' 'range=' 'range=1H' 'range=1h&range=1h' 'range=24h%00' 'range=7d&x=1'; do
		req GET "/stats?$q" -H "X-API-Key: $KEY_A"
		expect_error 400 INVALID_PARAMETER
		want=range
		[ "$q" = 'range=7d&x=1' ] && want=x
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "$want" ] || { echo "$q: $body"; false; }
	done
	req GET '/stats?range=2h' -H "X-API-Key: $KEY_A"
	[[ "$(jq -r '.error.details[0].message' <<<"$body")" == *1h*24h*7d* ]]
}

@test "migrating fills event_minutes from the events already stored" {
	dir=$(mktemp -d)
	if zs_on_sqlite; then
		mkdir -p "$dir/old/migrations"
		cp "$ZS_ROOT/sql/schema.sql" "$dir/old/"
		for f in "$ZS_ROOT"/sql/migrations/00[2-7]_*.sql; do cp "$f" "$dir/old/migrations/"; done
		export DATABASE_PATH=$dir/old.db
		"$ZS_BIN/zs-admin" migrate "$dir/old" >/dev/null
		[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA user_version')" = 7 ]
	else
		mkdir -p "$dir/old/postgres"
		for f in "$ZS_ROOT"/sql/postgres/00[1-5]_*.sql; do cp "$f" "$dir/old/postgres/"; done
		zs_pg_database
		"$ZS_BIN/zs-admin" migrate "$dir/old" >/dev/null
	fi
	zs_sql "INSERT INTO events (id, tenant, created_at, payload) VALUES
		('evt_m1', 'tenant_a', 120000, '{}'), ('evt_m2', 'tenant_a', 179999, '{}'),
		('evt_m3', 'tenant_a', 180000, '{}'), ('evt_m4', 'tenant_b', 120000, '{}')"
	"$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql" >/dev/null
	[ "$(zs_sql "SELECT tenant || ' ' || minute || ' ' || count FROM event_minutes ORDER BY tenant, minute" | tr '\n' ,)" = "tenant_a 2 2,tenant_a 3 1,tenant_b 2 1," ]
	# and the trigger keeps it from there
	zs_sql "INSERT INTO events (id, tenant, created_at, payload) VALUES ('evt_m5', 'tenant_a', 121000, '{}')"
	[ "$(zs_sql "SELECT count FROM event_minutes WHERE tenant = 'tenant_a' AND minute = 2")" = 3 ]
	rm -rf "$dir"
}

@test "zs-admin purge drops event_minutes rows older than 7 days and one more, and keeps the week's" {
	now_min=$(( $(date +%s) / 60 ))
	zs_sql "INSERT INTO event_minutes (tenant, minute, count) VALUES
		('tenant_p', $(( now_min - 30 * 1440 )), 5),
		('tenant_p', $(( now_min - 8 * 1440 - 10 )), 4),
		('tenant_p', $(( now_min - 6 * 1440 )), 3)"
	run "$ZS_BIN/zs-admin" purge
	[ "$status" = 0 ] || { echo "$output"; false; }
	[ "$(zs_sql "SELECT minute FROM event_minutes WHERE tenant = 'tenant_p'")" = $(( now_min - 6 * 1440 )) ]
	[ "$(jq '[.buckets[].count] | add' <<<"$(curl -s "$ZS_URL/stats?range=7d" -H 'X-API-Key: key_p')")" = 3 ]
}
