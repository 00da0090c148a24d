#!/usr/bin/env bats
# Two nodes (two lighttpd servers with their own responders, on different
# ports) sharing one PostgreSQL database: the stream, Last-Event-ID
# replay, leases, the rate limit and a killed node, across nodes.

load helpers/suite
load helpers/stream

setup_file() {
	export STORAGE_BACKEND=postgres
	zs_start
	export N1_URL=$ZS_URL N1_PID=$ZS_LIGHTTPD_PID
	ZS_DATABASE_URL=$DATABASE_URL zs_start
	export N2_URL=$ZS_URL N2_PID=$ZS_LIGHTTPD_PID
}

teardown() {
	# streams a test left open
	jobs -p | xargs -r kill 2>/dev/null || :
}

# post URL TOPIC: posts an event as tenant A on one node; prints its id.
post() {
	curl -s -X POST "$1/events" -H "X-API-Key: $KEY_A" \
		-H 'Content-Type: application/json' \
		-d "{\"topic\":\"$2\",\"payload\":{}}" | jq -r .id
}

@test "an event posted to node 1 arrives on a stream held open on node 2" {
	out=$BATS_TEST_TMPDIR/stream
	open_stream "$out" "$N2_URL/inbox/stream?api_key=$KEY_A&topic=across"
	id=$(post "$N1_URL" across)
	[ -n "$id" ] && [ "$id" != null ]
	wait_for "$out" "$id"
	grep -q '^event: event.created$' "$out"
}

@test "a stream reconnecting to the other node with Last-Event-ID misses nothing" {
	out=$BATS_TEST_TMPDIR/first
	open_stream "$out" "$N1_URL/inbox/stream?api_key=$KEY_A&topic=replay"
	pid=$LAST_STREAM
	for i in 1 2 3; do echo "$(post "$N1_URL" replay)"; done >"$BATS_TEST_TMPDIR/before"
	wait_for "$out" "$(tail -n 1 "$BATS_TEST_TMPDIR/before")"
	kill "$pid"
	last=$(sed -n 's/^id: //p' "$out" | tail -n 1)
	# while it is away, both nodes take writes
	for i in 1 2 3 4; do
		post "$N1_URL" replay
		post "$N2_URL" replay
	done >"$BATS_TEST_TMPDIR/missed"
	out=$BATS_TEST_TMPDIR/second
	curl -sN "$N2_URL/inbox/stream?api_key=$KEY_A&topic=replay" \
		-H "Last-Event-ID: $last" >"$out" &
	wait_for "$out" "$(tail -n 1 "$BATS_TEST_TMPDIR/missed")"
	sleep 0.3
	# exactly the eight it missed, in the order they were posted
	sed -n 's/^data: {"id":"\([^"]*\)".*/\1/p' "$out" >"$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/missed" "$BATS_TEST_TMPDIR/got"
	# each change once (the ids are sealed: they do not grow)
	[ "$(sed -n 's/^id: //p' "$out" | sort -u | wc -l)" = 8 ]
}

@test "leases taken through both nodes never overlap" {
	for i in $(seq 1 40); do post "$N1_URL" leasing; done | sort >"$BATS_TEST_TMPDIR/posted"
	# two workers per node lease until nothing is left
	for w in 1 2 3 4; do
		url=$N1_URL
		[ $((w % 2)) = 0 ] && url=$N2_URL
		(
			for round in $(seq 1 30); do
				got=$(curl -s -X POST "$url/inbox/lease" -H "X-API-Key: $KEY_A" \
					-H 'Content-Type: application/json' \
					-d '{"topic":"leasing","limit":3,"visibility_timeout":300}' |
					jq -r '.events[].id')
				[ -z "$got" ] && break
				echo "$got"
			done >"$BATS_TEST_TMPDIR/w$w"
		) &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/w* | sort >"$BATS_TEST_TMPDIR/leased"
	# every event leased once: none twice, none left out
	[ -z "$(uniq -d "$BATS_TEST_TMPDIR/leased")" ]
	diff "$BATS_TEST_TMPDIR/posted" "$BATS_TEST_TMPDIR/leased"
	[ "$(zs_sql "SELECT count(*) FROM events WHERE topic = 'leasing' AND delivery_count = 1")" = 40 ]
}

@test "the rate limit is shared by the nodes" {
	RATE_LIMIT_PER_MINUTE=6 zs_start
	a=$ZS_URL
	RATE_LIMIT_PER_MINUTE=6 ZS_DATABASE_URL=$DATABASE_URL zs_start
	b=$ZS_URL
	codes=
	for i in 1 2 3 4; do
		for url in "$a" "$b"; do
			codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "$url/inbox" -H "X-API-Key: $KEY_B")"
		done
	done
	# six tokens in all, taken alternately on the two nodes
	[ "$codes" = " 200 200 200 200 200 200 429 429" ]
	run curl -s -D - -o /dev/null "$a/inbox" -H "X-API-Key: $KEY_B"
	[[ "$output" == *"Retry-After"* || "$output" == *"retry-after"* ]]
}

@test "killing one node loses nothing it acknowledged; the other goes on" {
	for c in 1 2; do
		for url in "$N1_URL" "$N2_URL"; do
			(
				end=$((SECONDS + 4))
				while [ $SECONDS -lt $end ]; do
					curl -s -m 3 -X POST "$url/events" -H "X-API-Key: $KEY_A" \
						-H 'Content-Type: application/json' \
						-d '{"topic":"killed","payload":{}}' \
						-w '\n%{http_code}\n' | paste -sd ' ' |
						awk '$NF == 201 {print $1}' | jq -r .id
				done >"$BATS_TEST_TMPDIR/ids-$c-${url##*:}"
			) &
		done
	done
	sleep 1.5
	# node 1 dies at once: its web server and every responder
	ZS_LIGHTTPD_PID=$N1_PID
	pids="$N1_PID $(for p in zs-events zs-inbox zs-stream zs-lease zs-stats zs-health zs-hooks zs-notfound; do zs_pids $p; done)"
	kill -9 $pids
	wait
	cat "$BATS_TEST_TMPDIR"/ids-* | sort >"$BATS_TEST_TMPDIR/acked"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/acked")" -gt 20 ]
	zs_sql "SELECT id FROM events WHERE topic = 'killed'" | sort >"$BATS_TEST_TMPDIR/stored"
	[ -z "$(comm -23 "$BATS_TEST_TMPDIR/acked" "$BATS_TEST_TMPDIR/stored")" ]
	[ -z "$(uniq -d "$BATS_TEST_TMPDIR/stored")" ]
	# node 2 kept answering, and still does
	[ -s "$BATS_TEST_TMPDIR/ids-1-${N2_URL##*:}" ]
	id=$(post "$N2_URL" killed)
	[ -n "$id" ] && [ "$id" != null ]
	! curl -s -m 2 -o /dev/null "$N1_URL/health"
}
