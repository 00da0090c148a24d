#!/usr/bin/env bats
# The per-key token bucket, shared by every responder process.

load ../helpers/suite

setup_file() {
	export RATE_LIMIT_PER_MINUTE=10 ZS_PROCS=4
	zs_start
}

# burst KEY N: N concurrent GET /inbox; prints "status count" lines.
burst() {
	local key=$1 n=$2 i
	for i in $(seq 1 "$n"); do
		curl -s -o /dev/null -D "$BATS_TEST_TMPDIR/h$i" -w '%{http_code}\n' \
			"$ZS_URL/inbox" -H "X-API-Key: $key" &
	done | sort | uniq -c | awk '{print $2, $1}'
	wait
}

@test "the limit holds across four processes per responder" {
	# (under CGI each of the 40 requests is a process of its own)
	! zs_resident || [ "$(zs_pids zs-inbox | wc -l)" -ge 4 ]
	out=$(burst key_a 40)
	echo "$out"
	allowed=$(awk '$1 == 200 {print $2}' <<<"$out")
	limited=$(awk '$1 == 429 {print $2}' <<<"$out")
	# 10 tokens; at most one more refills (one per 6 s) during the burst
	[ "$allowed" -ge 10 ] && [ "$allowed" -le 11 ]
	[ "$((allowed + limited))" = 40 ]
}

@test "a 429 is RATE_LIMITED with Retry-After of at least one second" {
	burst key_a 12 >/dev/null
	req GET /inbox -H "X-API-Key: key_a"
	expect_error 429 RATE_LIMITED
	[ "$(header retry-after)" -ge 1 ]
	# the message names the limit, when it refills and the setting
	retry=$(header retry-after)
	full=$(header ratelimit | sed 's/.*;t=//')
	want="this API key is over its limit of 10 requests a minute (RATE_LIMIT_PER_MINUTE): the next request is allowed in $retry s, all 10 in $full s"
	[ "$(jq -r .error.message <<<"$body")" = "$want" ] || { echo "$body"; false; }
	[ "$(header ratelimit-policy)" = '"default";q=10;w=60' ]
	[[ "$(header ratelimit)" =~ ^\"default\"\;r=0\;t=[0-9]+$ ]]
}

@test "each key has its own bucket, even for one tenant" {
	burst key_a 12 >/dev/null
	req GET /inbox -H "X-API-Key: key_a2"
	[ "$status_code" = 200 ]
	[ "$(header ratelimit)" = '"default";r=9;t=6' ]
	req GET /inbox -H "X-API-Key: key_b"
	[ "$status_code" = 200 ]
}

@test "remaining counts down with each request" {
	req GET /inbox -H "X-API-Key: dev_key_123"
	[[ "$(header ratelimit)" == '"default";r=9;'* ]]
	req GET /inbox -H "X-API-Key: dev_key_123"
	[[ "$(header ratelimit)" == '"default";r=8;'* ]]
}

@test "requests without a valid key do not spend a bucket" {
	for i in 1 2 3; do req GET /inbox -H "X-API-Key: nope"; done
	req GET /inbox -H "X-API-Key: key_b"
	[ "$status_code" = 200 ] || [ "$status_code" = 429 ]
	[ -z "$(req GET /inbox -H 'X-API-Key: nope'; header ratelimit)" ]
}

@test "RATE_LIMIT_PER_MINUTE=0 turns limiting and its headers off" {
	zs_stop_all
	RATE_LIMIT_PER_MINUTE=0 zs_start
	out=$(burst key_a 30)
	[ "$out" = "200 30" ]
	req GET /inbox -H "X-API-Key: key_a"
	[ -z "$(header ratelimit)" ]
}
