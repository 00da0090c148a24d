#!/usr/bin/env bats
# Unit tests of the parsers in fcgi/: each test runs one suite of zs-unit
# (tests/unit/zs_unit.c), which prints one line per failing case.
# ZS_BIN names the directory holding zs-unit (make test-unit sets it).

setup() {
	ZS_BIN=${ZS_BIN:-$BATS_TEST_DIRNAME/../build/bin}
}

# Runs one suite; its output is shown when it fails.
unit() {
	run "$ZS_BIN/zs-unit" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json gate accepts RFC 8259 and refuses everything else" {
	unit json
}

@test "text fields allow 1-128 printable code points of valid UTF-8" {
	unit text
}

@test "API keys come from Bearer or plain headers and match exactly" {
	unit auth
}

@test "http parsers decode paths and check headers strictly" {
	unit http
}

@test "inbox query strings parse into checked values or one clear error" {
	unit query
}

@test "paging cursors round-trip and refuse anything else" {
	unit cursor
}

@test "ULIDs strictly increase and sort as text in creation order" {
	unit ulid
}

@test "random bytes from the per-thread pool are fresh on every draw" {
	unit random
}

@test "RFC 3339 times format and parse to the millisecond" {
	unit time
}

@test "rate limit buckets allow capacity, refill evenly, report retry" {
	unit ratelimit
}

@test "stream and long-poll slots are capped per key, then per tenant, and dead holders freed" {
	unit slots
}

@test "event ids are evt_ plus an upper-case ULID" {
	unit event
}

@test "event JSON and integers are formatted exactly, without printf" {
	unit event_json
}

@test "lease ids are lse_ plus 128 random bits; whole-number fields refuse fractions and exponents" {
	unit lease
}

@test "webhook sources parse from WEBHOOK_SOURCES or refuse with a message that never holds the secret" {
	unit source
}

@test "webhook signatures: GitHub's and Standard Webhooks' published examples, Stripe and Shopify, tolerance, tampering" {
	unit sig
}

@test "ingest tokens match only in full" {
	unit token
}

@test "every statement the store prepares has a text in each dialect, with the same parameters" {
	unit sql
}

@test "sealed ids open back exactly, differ between tenants and secrets, and stay 1..2^58" {
	unit seal
}
