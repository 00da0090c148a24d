# Live streams (GET /inbox/stream) for the bats tests. Load it at the top
# level of a bats file, after the suite (load ../helpers/stream), and end
# what a test left open in its teardown: teardown() { close_streams; }
#   open_stream FILE [curl args...]  opens a stream and waits until it is open
#   wait_for FILE TEXT [COUNT]       waits until TEXT is in FILE (COUNT times)
#   close_streams                    ends the streams listed in STREAMS

# the curl processes open_stream started in this test (tests that start
# their own add them here too)
STREAMS=()

# open_stream FILE [curl args...]: starts curl -N on the stream in the
# background, writing the body to FILE and the headers to FILE.head;
# LAST_STREAM is its process id.
open_stream() {
	local file=$1 _
	shift
	curl -sN -m 60 -D "$file.head" -o "$file" "$@" &
	STREAMS+=($!)
	# shellcheck disable=SC2034 # for the caller
	LAST_STREAM=$!
	# wait until the stream is open (its first line arrived)
	for _ in $(seq 1 50); do
		grep -q '^retry: 3000' "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_for FILE TEXT [COUNT]: waits up to 5 s until TEXT appears COUNT times.
wait_for() {
	local n=${3:-1} _
	for _ in $(seq 1 50); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$n" ] && return 0
		sleep 0.1
	done
	echo "waited for '$2' x$n in $1:" >&2
	cat "$1" >&2
	return 1
}

# close_streams: ends the streams in STREAMS (for teardown).
close_streams() {
	local p
	for p in "${STREAMS[@]}"; do kill "$p" 2>/dev/null || :; done
}
