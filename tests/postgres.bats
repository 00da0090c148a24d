#!/usr/bin/env bats
# PostgreSQL only: start-up messages, a connection lost while serving, the
# move of a SQLite inbox with zs-admin copy-to-postgres, and the backend's
# memory under valgrind. (tests/api runs the whole API on it too.)

load helpers/suite
load helpers/stream

setup_file() {
	export STORAGE_BACKEND=postgres
	zs_start
}

teardown() {
	jobs -p | xargs -r kill 2>/dev/null || :
}

@test "an unreachable server is one clear line at start-up, without the password" {
	run env DATABASE_URL=postgres://zs:s3cret@127.0.0.1:1/nowhere \
		"$ZS_BIN/zs-admin" check
	[ "$status" = 1 ]
	[ "${#lines[@]}" = 1 ]
	[[ "$output" == *"postgres: zs-admin cannot connect to database nowhere on 127.0.0.1 port 1 (DATABASE_URL): "*"Connection refused"* ]]
	[[ "$output" != *s3cret* ]]
	# a responder says the same, once, and answers 503
	run env DATABASE_URL=postgres://zs:s3cret@127.0.0.1:1/nowhere \
		GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI=/health \
		QUERY_STRING= "$ZS_BIN/zs-health"
	[[ "$output" == *"Status: 503"* ]]
	[ "$(grep -c 'cannot connect' <<<"$output")" = 1 ]
	[[ "$output" != *s3cret* ]]
}

@test "zs-admin check reports the connection and the schema version" {
	# (the suite's keys hold the development key, which check refuses)
	run env API_KEYS=key_a=tenant_a "$ZS_BIN/zs-admin" check
	[ "$status" = 0 ]
	newest=$(ls "$ZS_ROOT/sql/postgres" | sort | tail -n 1)
	[[ "$output" == "postgres: connected to database ${DATABASE_URL##*/} on 127.0.0.1 port $ZS_PG_PORT"*", schema version $((10#${newest%%_*})) of $((10#${newest%%_*}))" ]]
}

@test "numbered migrations: a version 1 database goes to the newest, keeping its events" {
	dir=$(mktemp -d)
	mkdir -p "$dir/v1/postgres"
	cp "$ZS_ROOT/sql/postgres/001_"*.sql "$dir/v1/postgres/"
	zs_pg_database
	run "$ZS_BIN/zs-admin" migrate "$dir/v1"
	[ "$status" = 0 ]
	[[ "$output" == *"schema version 0 -> 1" ]]
	zs_sql "INSERT INTO events (id, tenant, created_at, payload)
		VALUES ('evt_01J00000000000000000000001', 'tenant_a', 1, '{}')"
	run "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql"
	[ "$status" = 0 ]
	newest=$(ls "$ZS_ROOT/sql/postgres" | sort | tail -n 1)
	[[ "$output" == *"schema version 1 -> $((10#${newest%%_*}))" ]]
	[ "$(zs_sql 'SELECT count(*) FROM events')" = 1 ]
	[ "$(zs_sql "SELECT pending FROM source_counts WHERE tenant = 'tenant_a'")" = 1 ]
	[ "$(zs_sql 'SELECT kind FROM changes')" = created ]
	# idempotent: nothing left to apply
	run "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql"
	[[ "$output" == *"is at schema version $((10#${newest%%_*}))" ]]
	rm -rf "$dir"
}

@test "a lost connection is a 503 and a reconnect, never a crash" {
	new_event >/dev/null
	before=$(zs_pids zs-inbox | sort | paste -sd ' ')
	out=$BATS_TEST_TMPDIR/stream
	curl -sN "$ZS_URL/inbox/stream?api_key=$KEY_A&topic=after-loss" >"$out" &
	sleep 0.5
	# every connection of the responders ends, as in a failover
	zs_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
	codes=
	for i in $(seq 1 8); do
		req_a GET /inbox
		codes="$codes $status_code"
	done
	echo "codes:$codes"
	# each process answers 503 once at most, then has reconnected
	[[ "$codes" =~ ^(\ (200|503))+$ ]]
	[[ "$codes" == *" 200 200" ]]
	[ "$(zs_pids zs-inbox | sort | paste -sd ' ')" = "$before" ]
	grep -q 'reconnecting\|terminat' "$ZS_LOG"
	# zs-events too: at most one 503 per process, then 201s
	codes=
	for i in $(seq 1 6); do
		post_event '{"topic":"after-loss","payload":{}}'
		codes="$codes $status_code"
	done
	echo "codes:$codes"
	[[ "$codes" =~ ^(\ (201|503))+$ ]]
	[[ "$codes" == *" 201 201" ]]
	# the stream's listener came back too: the newest event arrived
	id=$(jq -r .id <<<"$body")
	wait_for "$out" "$id"
}

@test "a server that is down answers 503, and service resumes when it is back" {
	runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$ZS_PG_DIR/data" -m fast -w stop >/dev/null
	post_event '{"payload":{}}'
	expect_error 503 UNAVAILABLE
	req GET /health
	[ "$status_code" = 503 ]
	runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$ZS_PG_DIR/data" -l "$ZS_PG_DIR/log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $ZS_PG_PORT -k $ZS_PG_DIR -c max_connections=400" \
		start </dev/null >/dev/null
	for i in $(seq 1 20); do
		post_event '{"payload":{}}'
		[ "$status_code" = 201 ] && break
		[ "$status_code" = 503 ]
		sleep 0.2
	done
	[ "$status_code" = 201 ]
}

@test "copy-to-postgres moves a SQLite inbox without loss, and a second run adds only what is new" {
	# a database of its own, empty
	zs_pg_database
	"$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql" >/dev/null
	pg_url=$DATABASE_URL
	# a SQLite inbox with pending, acknowledged, leased and deleted events,
	# idempotency keys and a webhook token
	STORAGE_BACKEND=sqlite
	zs_start
	sq=$ZS_URL sq_db=$DATABASE_PATH
	STORAGE_BACKEND=postgres
	for i in 1 2 3 4 5 6; do
		curl -s -o /dev/null -X POST "$sq/events" -H "X-API-Key: $KEY_A" \
			-H 'Content-Type: application/json' -H "Idempotency-Key: move-$i" \
			-d "{\"source\":\"s$((i % 2))\",\"topic\":\"move\",\"payload\":{\"n\":$i}}"
	done
	ids=($(curl -s "$sq/inbox?topic=move" -H "X-API-Key: $KEY_A" | jq -r '.events[].id'))
	curl -s -o /dev/null -X POST "$sq/inbox/${ids[0]}/ack" -H "X-API-Key: $KEY_A" -d ''
	curl -s -o /dev/null -X DELETE "$sq/inbox/${ids[1]}" -H "X-API-Key: $KEY_A"
	curl -s -o /dev/null -X POST "$sq/inbox/lease" -H "X-API-Key: $KEY_A" \
		-H 'Content-Type: application/json' -d '{"limit":1,"visibility_timeout":600}'
	WEBHOOK_SOURCES=gh:tenant_a:none: STORAGE_BACKEND=sqlite "$ZS_BIN/zs-admin" hooks >"$BATS_TEST_TMPDIR/hooks-sqlite"

	run env STORAGE_BACKEND=postgres DATABASE_URL="$pg_url" DATABASE_PATH="$sq_db" \
		"$ZS_BIN/zs-admin" copy-to-postgres
	[ "$status" = 0 ]
	[[ "$output" == "copied 5 events (0 were there already, 0 acknowledgements carried over), 6 idempotency keys, 1 webhook tokens from $sq_db to postgres://"* ]]

	# PostgreSQL serves the same inbox: same events, states and counts
	ZS_DATABASE_URL=$pg_url zs_start
	pg=$ZS_URL
	for q in "status=all&topic=move&limit=500" "status=leased" "status=acknowledged&topic=move" "topic=move&order=desc"; do
		a=$(curl -s "$sq/inbox?$q" -H "X-API-Key: $KEY_A" | jq -S .)
		b=$(curl -s "$pg/inbox?$q" -H "X-API-Key: $KEY_A" | jq -S .)
		[ "$a" = "$b" ] || { echo "$q differs: $a / $b"; false; }
	done
	a=$(curl -s "$sq/stats" -H "X-API-Key: $KEY_A" | jq -S 'del(.per_minute, .buckets)')
	b=$(curl -s "$pg/stats" -H "X-API-Key: $KEY_A" | jq -S 'del(.per_minute, .buckets)')
	[ "$a" = "$b" ] || { echo "stats differ: $a / $b"; false; }
	# the idempotency keys came along: a retry replays the SQLite reply
	first=$(curl -s -X POST "$pg/events" -H "X-API-Key: $KEY_A" \
		-H 'Content-Type: application/json' -H 'Idempotency-Key: move-3' \
		-d '{"source":"s1","topic":"move","payload":{"n":3}}' | jq -r .id)
	[ "$first" = "$(zs_sql "SELECT event_id FROM idempotency_keys WHERE key = 'api:move-3'")" ]
	# the webhook URL is the same
	WEBHOOK_SOURCES=gh:tenant_a:none: "$ZS_BIN/zs-admin" hooks >"$BATS_TEST_TMPDIR/hooks-pg"
	diff "$BATS_TEST_TMPDIR/hooks-sqlite" "$BATS_TEST_TMPDIR/hooks-pg"
	# new ids sort after the copied ones
	new=$(new_event)
	[[ "$new" > "${ids[5]}" ]]

	# an acknowledgement made in SQLite later, then a second run
	curl -s -o /dev/null -X POST "$sq/inbox/${ids[2]}/ack" -H "X-API-Key: $KEY_A" -d ''
	run env STORAGE_BACKEND=postgres DATABASE_URL="$pg_url" DATABASE_PATH="$sq_db" \
		"$ZS_BIN/zs-admin" copy-to-postgres
	[ "$status" = 0 ]
	[[ "$output" == "copied 0 events (5 were there already, 1 acknowledgements carried over), 0 idempotency keys, 0 webhook tokens"* ]]
	[ "$(curl -s "$pg/inbox/${ids[2]}" -H "X-API-Key: $KEY_A" | jq -r .status)" = acknowledged ]
	[ "$(zs_sql "SELECT count(*) FROM events WHERE topic = 'move'")" = 5 ]
}

@test "the PostgreSQL backend leaks nothing and touches no bad memory under valgrind" {
	vg() {
		printf '%s' "${4:-}" | env -i PATH="$PATH" STORAGE_BACKEND=postgres \
			DATABASE_URL="$DATABASE_URL" API_KEYS="$API_KEYS" \
			GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$2" \
			REQUEST_URI="$3" QUERY_STRING="${5:-}" CONTENT_TYPE=application/json \
			CONTENT_LENGTH=${#4} HTTP_X_API_KEY=key_a HTTP_IDEMPOTENCY_KEY=${VG_IDEM:-vg-1} \
			RATE_LIMIT_PER_MINUTE=1000 \
			valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 "$ZS_BIN/$1" 2>&1 >/dev/null
	}
	run vg zs-events POST /events '{"topic":"vg","payload":{"a":[1,2,{"b":null}]}}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	id=$(zs_sql "SELECT id FROM events WHERE topic = 'vg'")
	for r in "zs-events POST /events {\"payload\":" "zs-inbox GET /inbox" \
		"zs-inbox GET /inbox/$id" "zs-inbox POST /inbox/$id/ack" \
		"zs-inbox DELETE /inbox/$id" "zs-health GET /health" "zs-stats GET /stats"; do
		run vg $r
		[ "$status" = 0 ] || { echo "$r: $output"; false; }
	done
	VG_IDEM=vg-lease run vg zs-events POST /events '{"topic":"vg-lease","payload":{}}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-lease POST /inbox/lease '{"topic":"vg-lease","limit":5}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	lid=$(zs_sql "SELECT lease_id FROM events WHERE topic = 'vg-lease'")
	id=$(zs_sql "SELECT id FROM events WHERE topic = 'vg-lease'")
	run vg zs-inbox POST "/inbox/$id/release" "{\"lease_id\":\"$lid\"}"
	[ "$status" = 0 ] || { echo "$output"; false; }
	# a long poll that waits on its own hub threads (LISTEN), then finds it
	run vg zs-lease POST /inbox/lease '{"topic":"vg-none","wait":1}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-lease POST /inbox/lease '{"topic":"vg-lease","wait":1}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	[ "$(zs_sql "SELECT delivery_count FROM events WHERE id = '$id'")" = 2 ]
}
