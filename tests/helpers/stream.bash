# Live streams (GET /inbox/stream) for the bats tests. Load it at the top
# level of a bats file, after the suite (load ../helpers/stream), and end
# what a test left open in its teardown: teardown() { close_streams; }
#   open_stream FILE [curl args...]  opens a stream and waits until it is open
#   wait_for FILE TEXT [COUNT]       waits until TEXT is in FILE (COUNT times)
#   close_streams                    ends the streams listed in STREAMS
#   sealed_id TENANT SEQ             the public id of change SEQ for TENANT
#   last_id TENANT                   the public id of the newest change

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

# sealed_id TENANT SEQ: the id: a stream of TENANT sends for change SEQ
# (and takes back as Last-Event-ID), worked out here as
# fcgi/util/zs_seal.c does, a second implementation from the installation
# secret in the database: the tenant's key is HMAC-SHA256(secret, TENANT),
# the id a 4-round Feistel network on SEQ's 58 bits whose round function
# is 29 bits of SHA-256(key || round || half), plus 1. ZS_SECRET, when
# set, is the secret (without a server to ask).
sealed_id() {
	local secret key l r t i f
	secret=${ZS_SECRET:-$(zs_sql 'SELECT secret FROM install_secret')}
	key=$(printf %s "$1" | openssl dgst -sha256 -mac HMAC \
		-macopt "hexkey:$secret" | sed 's/.*= //')
	l=$((($2 >> 29) & 0x1fffffff))
	r=$(($2 & 0x1fffffff))
	for i in 0 1 2 3; do
		f=$(printf '%s%02x%08x' "$key" "$i" "$r" | xxd -r -p |
			openssl dgst -sha256 -binary | xxd -p -l 4)
		t=$((l ^ (0x$f & 0x1fffffff)))
		l=$r
		r=$t
	done
	echo $(((l << 29 | r) + 1))
}

# last_id TENANT: the id of the newest change (of any tenant), sealed for
# TENANT: a Last-Event-ID that replays what comes after now.
last_id() {
	sealed_id "$1" "$(zs_sql 'SELECT coalesce(max(seq), 0) FROM changes')"
}
