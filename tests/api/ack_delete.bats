#!/usr/bin/env bats
# Acknowledging (one and in batches) and deleting events.

load ../helpers/suite

@test "acknowledging answers 200 with id, status and acked_at" {
	id=$(new_event)
	req_a POST "/inbox/$id/ack" -d ''
	[ "$status_code" = 200 ]
	[ "$(jq -r .id <<<"$body")" = "$id" ]
	[ "$(jq -r .status <<<"$body")" = acknowledged ]
	[[ "$(jq -r .acked_at <<<"$body")" =~ ^[0-9]{4}-.*\.[0-9]{3}Z$ ]]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = acknowledged ]
}

@test "acknowledging again returns the first acked_at" {
	id=$(new_event)
	req_a POST "/inbox/$id/ack" -d ''
	first=$(jq -r .acked_at <<<"$body")
	sleep 0.01
	req_a POST "/inbox/$id/ack" -d ''
	[ "$status_code" = 200 ]
	[ "$(jq -r .acked_at <<<"$body")" = "$first" ]
}

@test "an acknowledged event leaves the pending inbox" {
	id=$(new_event '{"topic":"leave","payload":{}}')
	req_a POST "/inbox/$id/ack" -d ''
	req_a GET '/inbox?topic=leave'
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
}

@test "acknowledging an unknown or deleted id is 404" {
	req_a POST /inbox/evt_01M8DD205T3HYMWAR1Y2R628D9/ack -d ''
	expect_error 404 NOT_FOUND
	id=$(new_event)
	req_a DELETE "/inbox/$id"
	req_a POST "/inbox/$id/ack" -d ''
	expect_error 404 NOT_FOUND
}

@test "a batch acknowledges known ids and lists the rest as not_found" {
	a=$(new_event) b=$(new_event)
	req_a POST /inbox/ack -H 'Content-Type: application/json' \
		--data-binary "{\"ids\":[\"$a\",\"evt_01M8DD205T3HYMWAR1Y2R628D9\",\"$b\",\"junk\",\"$a\"]}"
	[ "$status_code" = 200 ]
	[ "$(jq -c .acknowledged <<<"$body")" = "[\"$a\",\"$b\"]" ]
	[ "$(jq -c .not_found <<<"$body")" = '["evt_01M8DD205T3HYMWAR1Y2R628D9","junk"]' ]
	req_a GET "/inbox/$b"
	[ "$(jq -r .status <<<"$body")" = acknowledged ]
}

@test "a batch may re-acknowledge ids already acknowledged" {
	a=$(new_event)
	req_a POST "/inbox/$a/ack" -d ''
	req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary "{\"ids\":[\"$a\"]}"
	[ "$status_code" = 200 ]
	[ "$(jq -c .acknowledged <<<"$body")" = "[\"$a\"]" ]
}

@test "a batch of 500 ids is accepted and one of 501 is 422" {
	ids=$(for i in $(seq 1 500); do printf '"evt_%026d",' "$i"; done)
	req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary "{\"ids\":[${ids%,}]}"
	[ "$status_code" = 200 ]
	[ "$(jq '.not_found | length' <<<"$body")" = 500 ]
	req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary "{\"ids\":[${ids}\"x\"]}"
	expect_error 422 VALIDATION_FAILED
}

@test "a malformed batch is 400 or 422 with details" {
	req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary '{"ids":'
	expect_error 400 INVALID_JSON
	req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary ''
	expect_error 400 INVALID_JSON
	for bad in '{}' '{"ids":[]}' '{"ids":"evt_x"}' '{"ids":[1]}' '{"ids":["a"],"x":1}' '[]'; do
		req_a POST /inbox/ack -H 'Content-Type: application/json' --data-binary "$bad"
		expect_error 422 VALIDATION_FAILED
		jq -e '.error.details | length > 0' <<<"$body" >/dev/null
	done
	req_a POST /inbox/ack -H 'Content-Type: text/plain' --data-binary '{"ids":["a"]}'
	expect_error 415 UNSUPPORTED_MEDIA_TYPE
}

@test "deleting answers 200 and the event is gone from every listing" {
	id=$(new_event '{"topic":"del","payload":{}}')
	req_a DELETE "/inbox/$id"
	[ "$status_code" = 200 ]
	[ "$body" = "{\"id\":\"$id\",\"status\":\"deleted\"}" ]
	req_a GET "/inbox/$id"
	expect_error 404 NOT_FOUND
	req_a GET '/inbox?topic=del&status=all'
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
}

@test "deleting twice or an unknown id is 404" {
	id=$(new_event)
	req_a DELETE "/inbox/$id"
	req_a DELETE "/inbox/$id"
	expect_error 404 NOT_FOUND
	req_a DELETE /inbox/evt_01M8DD205T3HYMWAR1Y2R628D9
	expect_error 404 NOT_FOUND
}

@test "every change is recorded in the change table by triggers" {
	id=$(new_event)
	req_a POST "/inbox/$id/ack" -d ''
	req_a POST "/inbox/$id/ack" -d ''
	req_a DELETE "/inbox/$id"
	run zs_sql "SELECT kind FROM changes WHERE event_id = '$id' ORDER BY seq"
	[ "$(paste -sd, <<<"$output")" = "created,acknowledged,deleted" ]
}
