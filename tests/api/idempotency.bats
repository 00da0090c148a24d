#!/usr/bin/env bats
# Idempotency-Key / X-Idempotency-Key on POST /events.

load ../helpers/suite

setup() {
	key="k-$BATS_TEST_NUMBER-$RANDOM"
}

count_topic() {
	req_a GET "/inbox?topic=$1&status=all&limit=500"
	jq '.events | length' <<<"$body"
}

@test "a retry with the same key and body replays 200 with the original reply" {
	post_event '{"topic":"idem1","payload":{"a":1}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	first=$body
	[ -z "$(header idempotent-replayed)" ]
	post_event '{"topic":"idem1","payload":{"a":1}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 200 ]
	[ "$body" = "$first" ]
	[ "$(header idempotent-replayed)" = true ]
	[ "$(header location)" = "/inbox/$(jq -r .id <<<"$first")" ]
	[ "$(count_topic idem1)" = 1 ]
}

@test "whitespace differences in the body still count as the same body" {
	post_event '{"topic":"idem-ws","payload":{"a":1}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	post_event '{ "topic" : "idem-ws", "payload" : { "a" : 1 } }' -H "Idempotency-Key: $key"
	[ "$status_code" = 200 ]
}

@test "the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED" {
	post_event '{"topic":"idem2","payload":{"a":1}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	post_event '{"topic":"idem2","payload":{"a":2}}' -H "Idempotency-Key: $key"
	expect_error 422 IDEMPOTENCY_KEY_REUSED
	[ "$(count_topic idem2)" = 1 ]
}

@test "X-Idempotency-Key works like Idempotency-Key, and both together must agree" {
	post_event '{"topic":"idem3","payload":{}}' -H "X-Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	post_event '{"topic":"idem3","payload":{}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 200 ]
	post_event '{"topic":"idem3","payload":{}}' -H "Idempotency-Key: $key" -H "X-Idempotency-Key: other"
	expect_error 400 INVALID_PARAMETER
}

@test "a quoted key means the same key unquoted" {
	post_event '{"topic":"idem4","payload":{}}' -H "Idempotency-Key: \"$key\""
	[ "$status_code" = 201 ]
	post_event '{"topic":"idem4","payload":{}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 200 ]
}

@test "malformed keys are 400 INVALID_PARAMETER" {
	long=$(printf 'k%.0s' $(seq 1 256))
	for bad in "$long" 'has space' '"unterminated' 'é'; do
		post_event '{"payload":{}}' -H "Idempotency-Key: $bad"
		expect_error 400 INVALID_PARAMETER
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = Idempotency-Key ]
	done
	ok=$(printf 'k%.0s' $(seq 1 255))
	post_event '{"payload":{}}' -H "Idempotency-Key: $ok"
	[ "$status_code" = 201 ]
}

@test "20 concurrent requests with one key create exactly one event" {
	for i in $(seq 1 20); do
		curl -s -o "$BATS_TEST_TMPDIR/r$i" -w '%{http_code}\n' -X POST "$ZS_URL/events" \
			-H "X-API-Key: $KEY_A" -H 'Content-Type: application/json' \
			-H "Idempotency-Key: $key" -d '{"topic":"idem-conc","payload":{"n":1}}' \
			>"$BATS_TEST_TMPDIR/s$i" &
	done
	wait
	[ "$(cat "$BATS_TEST_TMPDIR"/s* | sort | uniq -c | awk '{print $2":"$1}' | tr '\n' ' ')" = "200:19 201:1 " ]
	[ "$(cat "$BATS_TEST_TMPDIR"/r* | jq -r .id | sort -u | wc -l)" = 1 ]
	[ "$(count_topic idem-conc)" = 1 ]
}

@test "an expired key is forgotten" {
	post_event '{"topic":"idem-exp","payload":{}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	zs_sql "UPDATE idempotency_keys SET expires_at = 0 WHERE key = 'api:$key'"
	post_event '{"topic":"idem-exp","payload":{"new":1}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 201 ]
	[ "$(count_topic idem-exp)" = 2 ]
}

@test "a replay still answers after its event was deleted" {
	post_event '{"topic":"idem-del","payload":{}}' -H "Idempotency-Key: $key"
	id=$(jq -r .id <<<"$body")
	req_a DELETE "/inbox/$id"
	post_event '{"topic":"idem-del","payload":{}}' -H "Idempotency-Key: $key"
	[ "$status_code" = 200 ]
	[ "$(jq -r .id <<<"$body")" = "$id" ]
}
