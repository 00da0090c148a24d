#!/usr/bin/env bats
# A stream's replay (last_event_id) sends every change after it once, in
# order, each frame whole, however large the payloads and however many
# changes there are: the replay reads and sends them in bounded chunks.

load ../helpers/suite
load ../helpers/stream

teardown() {
	close_streams
}

# post_many FILE N: POSTs the event body in FILE N times as tenant A,
# 8 at a time; fails unless every answer is 201.
post_many() {
	local body=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		[ "$i" = 0 ] || echo next
		printf 'url = "%s/events"\nheader = "Authorization: Bearer %s"\n' "$ZS_URL" "$KEY_A"
		printf 'header = "Content-Type: application/json"\ndata-binary = "@%s"\n' "$body"
		printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
	done >"$BATS_TEST_TMPDIR/posts.cfg"
	curl -s --no-progress-meter --parallel --parallel-max 8 -K "$BATS_TEST_TMPDIR/posts.cfg" \
		>"$BATS_TEST_TMPDIR/codes"
	[ "$(grep -c '^201$' "$BATS_TEST_TMPDIR/codes")" = "$n" ]
}

# wait_frames FILE N: waits up to 120 s until N event.created frames are
# complete in FILE (a frame ends with an empty line).
wait_frames() {
	local _
	for _ in $(seq 1 1200); do
		[ "$(grep -c '^event: event.created$' "$1")" -ge "$2" ] &&
			[ "$(tail -c 2 "$1" | od -An -c | tr -d ' ')" = '\n\n' ] && return 0
		sleep 0.1
	done
	echo "only $(grep -c '^event: event.created$' "$1") of $2 frames arrived" >&2
	return 1
}

# replay_check TOPIC N: replays tenant A's changes from before the topic's
# events and checks that the created frames carry exactly the topic's
# events, in storage order, each data line whole JSON.
replay_check() {
	local topic=$1 n=$2 s=$BATS_TEST_TMPDIR/s
	open_stream "$s" "$ZS_URL/inbox/stream?topic=$topic&last_event_id=$FROM" \
		-H "Authorization: Bearer $KEY_A"
	wait_frames "$s" "$n"
	grep -A2 '^event: event.created$' "$s" | sed -n 's/^data: //p' |
		jq -r .id >"$BATS_TEST_TMPDIR/got"	# jq fails on a cut frame
	zs_sql "SELECT id FROM events WHERE topic = '$topic' ORDER BY seq" \
		>"$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" = "$n" ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# nothing twice (the order is the data's, above); the ids are the
	# changes' seqs sealed (not increasing): the first and the last
	[ "$(sed -n 's/^id: //p' "$s" | sort -u | wc -l)" = "$(grep -c '^id: ' "$s")" ]
	[ "$(sed -n 's/^id: //p' "$s" | head -n 1)" = "$(sealed_id tenant_a "$(zs_sql "SELECT min(c.seq) FROM changes c JOIN events e ON e.id = c.event_id WHERE e.topic = '$topic'")")" ]
	[ "$(sed -n 's/^id: //p' "$s" | tail -n 1)" = "$(sealed_id tenant_a "$(zs_sql "SELECT max(c.seq) FROM changes c JOIN events e ON e.id = c.event_id WHERE e.topic = '$topic'")")" ]
}

# stream_rss_kb: the largest resident size, in KiB, of this server's
# zs-stream processes (0 when none runs, as under plain CGI).
stream_rss_kb() {
	local p max=0 kb
	for p in $(pgrep -x zs-stream); do
		grep -qz "$ZS_DIR" "/proc/$p/environ" 2>/dev/null || continue
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")
		[ "${kb:-0}" -gt "$max" ] && max=$kb
	done
	echo "$max"
}

@test "a replay over 150 events of 500 KB sends every one whole, once, in order" {
	FROM=$(last_id tenant_a)
	{ printf '{"topic":"big","payload":{"s":"'
	  head -c 500000 /dev/zero | tr '\0' a
	  printf '"}}'; } >"$BATS_TEST_TMPDIR/big.json"
	post_many "$BATS_TEST_TMPDIR/big.json" 150
	replay_check big 150
	# 75 MB went through every stream process's ring and this replay;
	# STREAM_RING_BYTES (8 MiB) and the replay's 1 MiB chunks bound what
	# stays. (An ASan build keeps freed memory in quarantine on purpose.)
	rss=$(stream_rss_kb)
	echo "largest zs-stream RSS after the replay: $rss KiB" >&3
	[ -n "${ASAN_OPTIONS:-}" ] || [ "$rss" -le 65536 ]
}

@test "a replay over 10,000 small events sends every one, once, in order" {
	FROM=$(last_id tenant_a)
	printf '{"topic":"small","payload":{"n":1}}' >"$BATS_TEST_TMPDIR/small.json"
	post_many "$BATS_TEST_TMPDIR/small.json" 10000
	replay_check small 10000
}
