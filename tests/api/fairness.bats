#!/usr/bin/env bats
# Per-tenant and per-key caps on long polls (WAIT_MAX_PER_KEY,
# WAIT_MAX_PER_TENANT) and on streams (STREAM_MAX_PER_KEY,
# STREAM_MAX_PER_TENANT), counted across every process of the host, and
# the prompt release of a stream's slot when its client leaves. key_a and
# key_a2 are tenant A's keys, key_b tenant B's. Each test starts its own
# server with the caps it needs.

load ../helpers/suite
load ../helpers/stream

setup_file() { :; }

teardown() {
	close_streams
	# the long polls a test left waiting
	jobs -p | xargs -r kill 2>/dev/null || :
	zs_stop_all
}

# long_poll KEY FILE: starts a long poll (wait 20 s, a topic nothing is
# posted to) in the background; its status code goes to FILE.
long_poll() {
	curl -s -m 30 -o /dev/null -w '%{http_code}' -X POST "$ZS_URL/inbox/lease" \
		-H "X-API-Key: $1" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-nothing","wait":20}' >"$2" &
}

# settle: gives the long polls started in the background the time to
# reach their responder and take their slots (a waiting request has no
# reply yet to wait for).
settle() { sleep 0.5; }

# lease_wait KEY: one long poll in the foreground (req's variables).
lease_wait() {
	req POST /inbox/lease -H "X-API-Key: $1" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-nothing","wait":20}' -m 30
}

# expect_full CODE SETTING: the reply is 429 CODE naming SETTING, with
# Retry-After.
expect_full() {
	expect_error 429 "$1"
	[[ "$(jq -r .error.message <<<"$body")" == *"($2)"* ]] ||
		{ echo "message: $body" >&2; return 1; }
	[[ "$(header retry-after)" =~ ^[1-9][0-9]*$ ]] ||
		{ echo "Retry-After: '$(header retry-after)'" >&2; return 1; }
}

@test "past WAIT_MAX_PER_KEY a long poll is 429 TOO_MANY_WAITERS; the tenant's other key is held to WAIT_MAX_PER_TENANT" {
	WAIT_MAX_PER_KEY=2 WAIT_MAX_PER_TENANT=3 zs_start
	long_poll "$KEY_A" "$BATS_TEST_TMPDIR/p1"
	long_poll "$KEY_A" "$BATS_TEST_TMPDIR/p2"
	settle
	lease_wait "$KEY_A"
	expect_full TOO_MANY_WAITERS WAIT_MAX_PER_KEY
	[ "$(jq -r .error.message <<<"$body")" = 'this API key already has 2 long polls waiting, its cap (WAIT_MAX_PER_KEY); retry later, or lease without "wait"' ]
	[ "$(header retry-after)" = 1 ]
	# key_a2 has room of its own, but the tenant has one slot left
	long_poll key_a2 "$BATS_TEST_TMPDIR/p3"
	settle
	lease_wait key_a2
	expect_full TOO_MANY_WAITERS WAIT_MAX_PER_TENANT
	[ "$(jq -r .error.message <<<"$body")" = 'this tenant already has 3 long polls waiting, its cap (WAIT_MAX_PER_TENANT); retry later, or lease without "wait"' ]
	# the refusals took nothing: the holders are still waiting
	[ ! -s "$BATS_TEST_TMPDIR/p1" ] && [ ! -s "$BATS_TEST_TMPDIR/p3" ]
	# a lease without wait (or wait 0) needs no slot
	req POST /inbox/lease -H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-nothing"}'
	[ "$status_code" = 200 ]
	req POST /inbox/lease -H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-nothing","wait":0}'
	[ "$status_code" = 200 ]
	# nor does a long poll that finds an event at once
	new_event '{"topic":"fair-ready","payload":{}}' >/dev/null
	req POST /inbox/lease -H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-ready","wait":5}'
	[ "$status_code" = 200 ]
	[ "$(jq -r '.events | length' <<<"$body")" = 1 ]
	# another tenant is not counted with tenant A
	long_poll "$KEY_B" "$BATS_TEST_TMPDIR/b1"
	long_poll "$KEY_B" "$BATS_TEST_TMPDIR/b2"
	settle
	[ ! -s "$BATS_TEST_TMPDIR/b1" ] && [ ! -s "$BATS_TEST_TMPDIR/b2" ]
}

@test "a long poll's slot comes back when its wait ends" {
	WAIT_MAX_PER_KEY=1 zs_start
	req POST /inbox/lease -H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
		--data-binary '{"topic":"fair-nothing","wait":1}'
	[ "$status_code" = 200 ]
	long_poll "$KEY_A" "$BATS_TEST_TMPDIR/p1"
	settle
	lease_wait "$KEY_A"
	expect_full TOO_MANY_WAITERS WAIT_MAX_PER_KEY
}

@test "past STREAM_MAX_PER_KEY a stream is 429 TOO_MANY_STREAMS; the tenant's other key is held to STREAM_MAX_PER_TENANT" {
	STREAM_MAX_PER_KEY=2 STREAM_MAX_PER_TENANT=3 zs_start
	open_stream "$BATS_TEST_TMPDIR/s1" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A"
	open_stream "$BATS_TEST_TMPDIR/s2" "$ZS_URL/inbox/stream?api_key=$KEY_A"
	req GET /inbox/stream -H "X-API-Key: $KEY_A" -m 5
	expect_full TOO_MANY_STREAMS STREAM_MAX_PER_KEY
	[ "$(jq -r .error.message <<<"$body")" = 'this API key already has 2 open streams, its cap (STREAM_MAX_PER_KEY); close one or retry later' ]
	[ "$(header retry-after)" = 5 ]
	open_stream "$BATS_TEST_TMPDIR/s3" "$ZS_URL/inbox/stream" -H "X-API-Key: key_a2"
	req GET /inbox/stream -H "X-API-Key: key_a2" -m 5
	expect_full TOO_MANY_STREAMS STREAM_MAX_PER_TENANT
	[ "$(jq -r .error.message <<<"$body")" = 'this tenant already has 3 open streams, its cap (STREAM_MAX_PER_TENANT); close one or retry later' ]
	# the holders still stream
	id=$(new_event '{"topic":"fair","payload":{}}')
	for s in s1 s2 s3; do wait_for "$BATS_TEST_TMPDIR/$s" "$id"; done
	# another tenant is not counted with tenant A
	open_stream "$BATS_TEST_TMPDIR/b1" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_B"
	open_stream "$BATS_TEST_TMPDIR/b2" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_B"
}

@test "while tenant A holds its long polls and streams, tenant B's lease answers within 100 ms" {
	WAIT_MAX_PER_TENANT=3 WAIT_MAX_PER_KEY=3 STREAM_MAX_PER_TENANT=3 \
		STREAM_MAX_PER_KEY=3 zs_start
	for i in 1 2 3; do
		open_stream "$BATS_TEST_TMPDIR/s$i" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A"
	done
	# more long polls than the lease threads of every process (64 each):
	# without the cap they would hold them all for 20 s
	n=$((64 * ${ZS_PROCS:-2} + 20))
	for i in $(seq 1 "$n"); do long_poll "$KEY_A" "$BATS_TEST_TMPDIR/p$i"; done
	# wait (up to 10 s) until all but the 3 holders have been answered
	for _ in $(seq 1 100); do
		[ "$(cat "$BATS_TEST_TMPDIR"/p* | grep -o 429 | wc -l)" -ge $((n - 3)) ] && break
		sleep 0.1
	done
	[ "$(cat "$BATS_TEST_TMPDIR"/p* | grep -o 429 | wc -l)" = $((n - 3)) ]
	req GET /inbox/stream -H "X-API-Key: $KEY_A" -m 5
	expect_error 429 TOO_MANY_STREAMS
	# the best of three, so that one slow moment of a loaded machine does
	# not fail it; without the cap each would wait for a lease thread
	best=
	for _ in 1 2 3; do
		t=$(curl -s -o "$BATS_TEST_TMPDIR/b" -w '%{time_total}' -m 30 -X POST \
			"$ZS_URL/inbox/lease" -H "X-API-Key: $KEY_B" \
			-H 'Content-Type: application/json' --data-binary '{"topic":"fair-b"}')
		[ "$(cat "$BATS_TEST_TMPDIR/b")" = '{"events":[]}' ]
		if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
			best=$t
		fi
	done
	echo "tenant B's lease: best of 3 took $best s"
	awk -v t="$best" 'BEGIN { exit !(t < 0.1) }'
}

@test "a closed stream frees its slot within a second, with STREAM_PING_SECONDS=15" {
	# Behind Apache (CGI or FastCGI) the stream cannot see the client:
	# its idle ':' line (every 0.8 s) reaches Apache, which then finds
	# the client gone and closes the stream's pipe or socket, and the next
	# one fails: two idle writes, up to 1.6 s (docs/api.md). lighttpd
	# closes the FastCGI connection as soon as its client goes.
	limit=1000
	case $ZS_SERVER in apache*) limit=2000 ;; esac
	STREAM_MAX_PER_KEY=1 STREAM_PING_SECONDS=15 zs_start
	open_stream "$BATS_TEST_TMPDIR/s1" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A"
	req GET /inbox/stream -H "X-API-Key: $KEY_A" -m 5
	expect_error 429 TOO_MANY_STREAMS
	sleep 0.3
	kill "$LAST_STREAM"
	start=$(date +%s%N)
	ok=
	# ask again until twice the limit has passed, then hold it to the limit
	while [ $(( ($(date +%s%N) - start) / 1000000 )) -lt $((2 * limit)) ]; do
		sleep 0.1
		code=$(curl -s -o "$BATS_TEST_TMPDIR/s2" -m 0.5 -w '%{http_code}' \
			"$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A" || :)
		if [ "$code" = 200 ]; then ok=1; break; fi
	done
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "a new stream was accepted after $ms ms (last status $code; limit $limit ms)"
	[ -n "$ok" ]
	# the 200 came at most one attempt (0.1 s and a request) after the slot
	[ "$ms" -le $((limit + 700)) ]
	grep -q '^retry: 3000' "$BATS_TEST_TMPDIR/s2"
}

@test "the slots of a killed stream process come back" {
	STREAM_MAX_PER_KEY=1 STREAM_PING_SECONDS=15 zs_start
	open_stream "$BATS_TEST_TMPDIR/s1" "$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A"
	req GET /inbox/stream -H "X-API-Key: $KEY_A" -m 5
	expect_error 429 TOO_MANY_STREAMS
	# SIGKILL: the process cannot give its slot back; the next stream
	# over the cap finds the holder gone. The web server restarts it.
	pids=$(zs_pids zs-stream)
	[ -n "$pids" ]
	kill -9 $pids
	ok=
	for _ in $(seq 1 50); do
		code=$(curl -s -o "$BATS_TEST_TMPDIR/s2" -m 0.5 -w '%{http_code}' \
			"$ZS_URL/inbox/stream" -H "X-API-Key: $KEY_A" || :)
		if [ "$code" = 200 ]; then ok=1; break; fi
		[ "$code" = 429 ] || [ "$code" = 503 ] || [ "$code" = 000 ] ||
			{ echo "status $code" >&2; false; }
		sleep 0.1
	done
	[ -n "$ok" ]
}

@test "the caps are checked at start-up" {
	WAIT_MAX_PER_KEY=0 run "$ZS_BIN/zs-lease"
	[ "$status" = 1 ]
	[[ "$output" == *"configuration error: WAIT_MAX_PER_KEY must be a whole number from 1 to 10000"* ]]
	STREAM_MAX_PER_TENANT=x run "$ZS_BIN/zs-stream"
	[ "$status" = 1 ]
	[[ "$output" == *"configuration error: STREAM_MAX_PER_TENANT must be a whole number from 1 to 20000"* ]]
}
