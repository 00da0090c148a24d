#!/usr/bin/env bats
# Tenant isolation: tenant B can read, acknowledge or delete none of A's
# events, and gets 404 (never 403) for A's ids.

load ../helpers/suite

setup() {
	id=$(new_event '{"topic":"secret","payload":{"owner":"a"}}')
}

@test "B's inbox does not list A's events, whatever the filter or status" {
	for q in '' '?topic=secret' '?status=all' '?status=acknowledged' '?order=desc'; do
		req_b GET "/inbox$q"
		[ "$status_code" = 200 ]
		[ "$(jq '[.events[] | select(.topic == "secret")] | length' <<<"$body")" = 0 ]
	done
}

@test "B gets 404 reading A's event" {
	req_b GET "/inbox/$id"
	expect_error 404 NOT_FOUND
}

@test "B gets 404 acknowledging A's event, which stays pending" {
	req_b POST "/inbox/$id/ack" -d ''
	expect_error 404 NOT_FOUND
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = pending ]
}

@test "B's batch acknowledgement lists A's id as not_found" {
	req_b POST /inbox/ack -H 'Content-Type: application/json' --data-binary "{\"ids\":[\"$id\"]}"
	[ "$status_code" = 200 ]
	[ "$(jq -c .not_found <<<"$body")" = "[\"$id\"]" ]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = pending ]
}

@test "B gets 404 deleting A's event, which stays" {
	req_b DELETE "/inbox/$id"
	expect_error 404 NOT_FOUND
	req_a GET "/inbox/$id"
	[ "$status_code" = 200 ]
}

@test "two keys of one tenant share one inbox" {
	req GET "/inbox/$id" -H "X-API-Key: key_a2"
	[ "$status_code" = 200 ]
}

@test "a cursor from A's listing shows B nothing of A's" {
	new_event '{"topic":"secret","payload":{}}' >/dev/null
	req_a GET '/inbox?topic=secret&limit=1'
	cursor=$(jq -r .next_cursor <<<"$body")
	req_b GET "/inbox?topic=secret&cursor=$cursor"
	[ "$status_code" = 200 ]
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
}

@test "idempotency keys are scoped per tenant" {
	req_a POST /events -H 'Content-Type: application/json' -H 'Idempotency-Key: shared-key' --data-binary '{"payload":{"who":"a"}}'
	[ "$status_code" = 201 ]
	req_b POST /events -H 'Content-Type: application/json' -H 'Idempotency-Key: shared-key' --data-binary '{"payload":{"who":"b"}}'
	[ "$status_code" = 201 ]
}
