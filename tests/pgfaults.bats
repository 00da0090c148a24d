#!/usr/bin/env bats
# PostgreSQL only: the database server going away under a running
# ZapStream. A restart while clients post, a responder's backend killed,
# the server stopped for ten seconds, and a server that accepts but never
# answers: clients see 503 UNAVAILABLE with Retry-After (never a 500 or a
# hang), every process serves again by itself within seconds, nothing
# answered 201 is lost, and /metrics counts the errors and reconnects.
# Every wait here is bounded (curl -m, loops with a count).

load helpers/suite
load helpers/stream

setup_file() {
	export STORAGE_BACKEND=postgres
	zs_start
}

teardown() {
	# (the last test stops the postmaster with SIGSTOP)
	kill -CONT "$(head -n 1 "$ZS_PG_DIR/data/postmaster.pid" 2>/dev/null)" 2>/dev/null || :
	close_streams
	jobs -p | xargs -r kill 2>/dev/null || :
	# a test that failed half-way leaves the server running for the next
	pg_running || pg_start
}

# pg_ctl ARGS...: the throwaway server's pg_ctl, as its owner.
pg() {
	runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$ZS_PG_DIR/data" "$@" \
		</dev/null >/dev/null
}
pg_running() { pg status; }
pg_start() {
	pg -l "$ZS_PG_DIR/log" -w -t 20 -o "-c listen_addresses=127.0.0.1 \
		-p $ZS_PG_PORT -k $ZS_PG_DIR -c max_connections=400" start
}

# pg_metric NAME: the value of a counter in GET /metrics.
pg_metric() {
	curl -s -m 5 "$ZS_URL/metrics" |
		awk -v p="$1 " 'index($0, p) == 1 { print $NF; exit }'
}

# poster FILE SECONDS: posts small events as tenant A for SECONDS, one
# line per request to FILE: "code seconds retry-after error-code id".
poster() {
	local file=$1 end=$((SECONDS + $2)) t
	t=$(mktemp -d)
	while [ $SECONDS -lt $end ]; do
		w=$(curl -s -m 10 -o "$t/b" -D "$t/h" -w '%{http_code} %{time_total}' \
			-X POST "$ZS_URL/events" -H "X-API-Key: $KEY_A" \
			-H 'Content-Type: application/json' \
			-d '{"topic":"fault","payload":{}}')
		ra=$(tr -d '\r' <"$t/h" | sed -n 's/^[Rr]etry-[Aa]fter: *//p' | head -n 1)
		echo "$w ${ra:--} $(jq -r '.error.code // "-"' <"$t/b" 2>/dev/null || echo bad-json) $(jq -r '.id // "-"' <"$t/b" 2>/dev/null || echo -)" >>"$file"
		sleep 0.05
	done
	rm -rf "$t"
}

# check_replies FILE: every reply was a 201, or a 503 UNAVAILABLE with
# Retry-After, each within 3 s (the connect deadline is 1 s).
check_replies() {
	local bad
	bad=$(awk '!(($1 == 201 && $5 != "-") ||
		($1 == 503 && $3 != "-" && $4 == "UNAVAILABLE")) || $2 > 3' "$1")
	[ -z "$bad" ] || { echo "bad replies:"; echo "$bad"; false; }
}

# check_kept FILE: every id answered 201 in FILE is in GET /inbox.
check_kept() {
	local ids missing
	ids=$(curl -s -m 10 "$ZS_URL/inbox?topic=fault&status=all&limit=500" \
		-H "X-API-Key: $KEY_A" | jq -r '.events[].id')
	[ -n "$ids" ] || { echo "GET /inbox gave no events"; false; }
	missing=$(awk '$1 == 201 { print $5 }' "$1" | grep -vxF -f <(echo "$ids") || :)
	[ -z "$missing" ] || { echo "lost: $missing"; false; }
}

# serves_again SECONDS: within SECONDS, 5 posts and 5 reads in a row
# succeed, two at a time (so that both processes of each responder
# answer); prints how long it took.
serves_again() {
	local start=$SECONDS i ok
	for i in $(seq 1 $(($1 * 5))); do
		ok=$(for j in 1 2 3 4 5; do
			curl -s -m 5 -o /dev/null -w '%{http_code}\n' -X POST "$ZS_URL/events" \
				-H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
				-d '{"topic":"again","payload":{}}' &
			curl -s -m 5 -o /dev/null -w '%{http_code}\n' "$ZS_URL/inbox?limit=1" \
				-H "X-API-Key: $KEY_A" &
			wait
		done | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? " " : ""), $2, $1 }')
		if [ "$ok" = "200 x5 201 x5" ]; then
			echo "serving again after $((SECONDS - start)) s"
			return 0
		fi
		sleep 0.2
	done
	echo "not serving after $1 s: $ok"
	return 1
}

@test "a restart of the server while clients post: 503 with Retry-After meanwhile, then every process serves and no 201 is lost" {
	reconnects=$(pg_metric zapstream_pg_reconnects_total)
	[ -n "$reconnects" ]
	new_event '{"topic":"fault","payload":{}}' >/dev/null
	log=$BATS_TEST_TMPDIR/replies
	poster "$log" 6 &
	p1=$!
	poster "$log" 6 &
	p2=$!
	sleep 1
	pg restart -m fast -w -t 20
	# (each poster ends on its own within 6 s plus one request)
	wait "$p1" "$p2"
	echo "replies: $(cut -d' ' -f1 "$log" | sort | uniq -c | paste -sd ' ')"
	check_replies "$log"
	grep -q '^201 ' "$log"
	serves_again 5
	check_kept "$log"
	after=$(pg_metric zapstream_pg_reconnects_total)
	echo "reconnects: $reconnects -> $after"
	[ "$after" -gt "$reconnects" ]
}

@test "a responder's backend terminated: the next request is served, on a new connection" {
	req_a GET /inbox
	[ "$status_code" = 200 ]
	post_event '{"topic":"fault","payload":{}}'
	[ "$status_code" = 201 ]
	errors=$(pg_metric zapstream_pg_connection_errors_total)
	reconnects=$(pg_metric zapstream_pg_reconnects_total)
	# every backend serving ZapStream ends (SIGTERM to each, as
	# pg_terminate_backend sends; the postmaster stays up)
	n=$(zs_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()")
	echo "terminated $n"
	[ "$n" -gt 0 ]
	sleep 0.5
	# not one 503: each process finds its connection gone before using it
	codes=
	for i in 1 2 3 4 5 6; do
		req_a GET /inbox
		codes="$codes $status_code"
		post_event '{"topic":"fault","payload":{}}'
		codes="$codes $status_code"
	done
	echo "codes:$codes"
	[ "$codes" = "$(printf ' 200 201%.0s' 1 2 3 4 5 6)" ]
	[ "$(pg_metric zapstream_pg_connection_errors_total)" -gt "$errors" ]
	[ "$(pg_metric zapstream_pg_reconnects_total)" -gt "$reconnects" ]
	grep -q 'the connection was lost' "$ZS_LOG"
}

@test "the server stopped for ten seconds under light load: 503s, then recovery by itself, and the stream goes on" {
	out=$BATS_TEST_TMPDIR/stream
	open_stream "$out" "$ZS_URL/inbox/stream?api_key=$KEY_A&topic=fault"
	errors=$(pg_metric zapstream_pg_connection_errors_total)
	reconnects=$(pg_metric zapstream_pg_reconnects_total)
	log=$BATS_TEST_TMPDIR/replies
	poster "$log" 14 &
	p=$!
	sleep 1
	pg stop -m fast -w -t 20
	sleep 10
	pg_start
	started=$SECONDS
	wait "$p"
	echo "replies: $(cut -d' ' -f1 "$log" | sort | uniq -c | paste -sd ' ')"
	check_replies "$log"
	# the outage was seen, as 503s, and it ended within a few seconds
	[ "$(awk '$1 == 503' "$log" | wc -l)" -ge 10 ]
	tail -n 3 "$log" | awk '$1 != 201 { exit 1 }'
	serves_again 5
	check_kept "$log"
	[ "$(pg_metric zapstream_pg_connection_errors_total)" -gt "$errors" ]
	[ "$(pg_metric zapstream_pg_reconnects_total)" -gt "$reconnects" ]
	# the stream outlived it: what was posted meanwhile, and a new event,
	# brought by NOTIFY (its listener LISTENs again), not only by the
	# one-second fallback read
	sleep 1.5
	wakeups=$(pg_metric zapstream_pg_notify_wakeups_total)
	id=$(new_event '{"topic":"fault","payload":{"after":1}}')
	wait_for "$out" "$id"
	for i in $(seq 1 20); do
		[ "$(pg_metric zapstream_pg_notify_wakeups_total)" -gt "$wakeups" ] && break
		sleep 0.1
	done
	[ "$(pg_metric zapstream_pg_notify_wakeups_total)" -gt "$wakeups" ]
	for id in $(awk '$1 == 201 { print $5 }' "$log" | tail -n 5); do
		wait_for "$out" "$id"
	done
}

@test "a server that accepts but never answers costs the connect deadline, not a hang" {
	# a stopped postmaster: the kernel still completes the handshake
	# (its listen queue), and no one ever answers
	pm=$(head -n 1 "$ZS_PG_DIR/data/postmaster.pid")
	kill -STOP "$pm"
	start=$(date +%s%N)
	run timeout 20 env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
		REQUEST_URI=/health QUERY_STRING= "$ZS_BIN/zs-health"
	ms=$((($(date +%s%N) - start) / 1000000))
	kill -CONT "$pm"
	echo "$output"
	echo "took $ms ms"
	[[ "$output" == *"Status: 503"* ]]
	[[ "$output" == *"Retry-After: "* ]]
	[[ "$output" == *"no answer within 1000 ms"* ]]
	[ "$ms" -lt 3000 ]
}
