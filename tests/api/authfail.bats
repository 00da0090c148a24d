#!/usr/bin/env bats
# Throttling of wrong API keys per client address (AUTH_FAILURES_PER_MINUTE):
# after N wrong keys in a minute, every request from that address that
# needs a key is 429 until the bucket refills.

load ../helpers/suite

setup_file() {
	export AUTH_FAILURES_PER_MINUTE=5
	zs_start
}

# from ADDR METHOD PATH [curl args...]: req, sent from loopback address ADDR.
from() {
	local addr=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" --interface "$addr" "$@"
}

@test "after five wrong keys from one address, the sixth request is 429, a right key too" {
	for i in 1 2 3 4 5; do
		from 127.0.0.2 GET /inbox -H "X-API-Key: wrong_$i"
		expect_error 401 UNAUTHORIZED
	done
	from 127.0.0.2 GET /inbox -H "X-API-Key: wrong_6"
	expect_error 429 RATE_LIMITED
	[ "$(jq -r .error.message <<<"$body")" = "too many wrong API keys from this address; see Retry-After" ]
	[ "$(header retry-after)" -ge 1 ]
	[ "$(header retry-after)" -le 12 ]	# one token: 60 s / 5
	# a right key would otherwise tell the guesser it guessed right
	from 127.0.0.2 GET /inbox -H "X-API-Key: $KEY_A"
	expect_error 429 RATE_LIMITED
	from 127.0.0.2 GET /stats -H "Authorization: Bearer $KEY_B"
	expect_error 429 RATE_LIMITED
	# unauthenticated routes stay open
	from 127.0.0.2 GET /health
	[ "$status_code" = 200 ]
}

@test "another address is not throttled by the first one's failures" {
	for i in 1 2 3 4 5 6; do
		from 127.0.0.3 GET /inbox -H "X-API-Key: wrong_$i"
	done
	from 127.0.0.3 GET /inbox -H "X-API-Key: $KEY_A"
	expect_error 429 RATE_LIMITED
	from 127.0.0.4 GET /inbox -H "X-API-Key: $KEY_A"
	[ "$status_code" = 200 ]
}

@test "right keys and missing keys spend nothing; malformed ones do" {
	for i in $(seq 1 20); do
		from 127.0.0.5 GET /inbox -H "X-API-Key: $KEY_A"
		[ "$status_code" = 200 ]
		from 127.0.0.5 GET /inbox
		[ "$status_code" = 401 ]
	done
	for i in 1 2 3 4; do
		from 127.0.0.5 GET /inbox -H "X-API-Key: wrong_$i"
		expect_error 401 UNAUTHORIZED
	done
	from 127.0.0.5 GET /inbox -H "Authorization: Basic eDp5"	# not Bearer
	expect_error 401 UNAUTHORIZED
	from 127.0.0.5 GET /inbox -H "X-API-Key: $KEY_A"
	expect_error 429 RATE_LIMITED
}

@test "AUTH_FAILURES_PER_MINUTE=0 turns the throttling off" {
	zs_stop_all
	AUTH_FAILURES_PER_MINUTE=0 zs_start
	for i in $(seq 1 30); do
		from 127.0.0.6 GET /inbox -H "X-API-Key: wrong_$i"
		expect_error 401 UNAUTHORIZED
	done
	from 127.0.0.6 GET /inbox -H "X-API-Key: $KEY_A"
	[ "$status_code" = 200 ]
}
