#!/usr/bin/env bats
# POST /events: what is accepted, what comes back, and every refusal.

load ../helpers/suite

@test "a valid event is stored and answered 201 with id, received_at and Location" {
	post_event '{"source":"billing","type":"invoice.paid","topic":"finance","payload":{"amount":4200}}'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	[[ "$id" =~ ^evt_[0-9A-HJKMNP-TV-Z]{26}$ ]]
	[ "$(jq -r .status <<<"$body")" = accepted ]
	[[ "$(jq -r .received_at <<<"$body")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]]
	[ "$(header location)" = "/inbox/$id" ]
	[ -n "$(header x-request-id)" ]
	req_a GET "/inbox/$id"
	[ "$status_code" = 200 ]
	[ "$(jq -c .payload <<<"$body")" = '{"amount":4200}' ]
	[ "$(jq -r .topic <<<"$body")" = finance ]
}

@test "only payload is required; missing source, type and topic read back as null" {
	post_event '{"payload":{}}'
	[ "$status_code" = 201 ]
	req_a GET "/inbox/$(jq -r .id <<<"$body")"
	[ "$(jq -c '[.source, .type, .topic, .status, .acked_at]' <<<"$body")" = '[null,null,null,"pending",null]' ]
}

@test "the payload is stored exactly, numbers and escapes included, whitespace removed" {
	post_event '{ "payload" : { "big": 123456789012345678901234567890, "f": 1.50e+3, "s": "a\u00e9\n\"", "arr": [ true, null ] } }'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	raw=$(curl -s "$ZS_URL/inbox/$id" -H "X-API-Key: $KEY_A")
	[[ "$raw" == *'"payload":{"big":123456789012345678901234567890,"f":1.50e+3,"s":"a\u00e9\n\"","arr":[true,null]}'* ]]
}

@test "event ids increase in creation order" {
	prev=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		id=$(new_event)
		[[ "$id" > "$prev" ]]
		prev=$id
	done
}

@test "ids stay strictly increasing across processes under concurrent posts" {
	for i in $(seq 1 40); do
		curl -s -X POST "$ZS_URL/events" -H "X-API-Key: $KEY_A" \
			-H 'Content-Type: application/json' -d '{"topic":"conc","payload":{}}' &
	done
	wait
	req_a GET "/inbox?topic=conc&limit=500"
	[ "$(jq '.events | length' <<<"$body")" = 40 ]
	# storage order (the listing) and id order agree
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "$(jq -c '[.events[].id] | sort' <<<"$body")" ]
	[ "$(jq '[.events[].id] | unique | length' <<<"$body")" = 40 ]
}

@test "a body that is not JSON is 400 INVALID_JSON" {
	post_event '{"payload": {}'
	expect_error 400 INVALID_JSON
}

@test "trailing garbage after the JSON value is 400 INVALID_JSON" {
	post_event '{"payload": {}} x'
	expect_error 400 INVALID_JSON
}

@test "comments, single quotes, NaN and trailing commas are 400 INVALID_JSON" {
	for bad in '{"payload": {} /* c */}' "{'payload': {}}" '{"payload": {"n": NaN}}' \
		'{"payload": {"n": Infinity}}' '{"payload": {},}' '{"payload": [1,]}'; do
		post_event "$bad"
		expect_error 400 INVALID_JSON
	done
}

@test "invalid UTF-8 in the body is 400 INVALID_JSON" {
	printf '{"payload":{"s":"\xc3\x28"}}' >"$BATS_TEST_TMPDIR/bad"
	post_event "@$BATS_TEST_TMPDIR/bad"
	expect_error 400 INVALID_JSON
	[[ "$(jq -r .error.message <<<"$body")" == *UTF-8* ]]
}

@test "nesting deeper than 64 levels is 400 INVALID_JSON" {
	deep=$(printf '[%.0s' $(seq 1 100000))
	echo "{\"payload\":{\"a\":$deep}}" >"$BATS_TEST_TMPDIR/deep"
	post_event "@$BATS_TEST_TMPDIR/deep"
	expect_error 400 INVALID_JSON
	[[ "$(jq -r .error.message <<<"$body")" == *nested* ]]
}

@test "an empty body is 400 INVALID_JSON" {
	req_a POST /events -H 'Content-Type: application/json' --data-binary ''
	expect_error 400 INVALID_JSON
	[[ "$(jq -r .error.message <<<"$body")" == *empty* ]]
}

@test "a body that is not an object is 422 VALIDATION_FAILED" {
	post_event '[1,2]'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = body ]
}

@test "payload must be present and an object" {
	post_event '{"source":"x"}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -c '.error.details' <<<"$body")" = '[{"field":"payload","message":"is required"}]' ]
	for p in '"text"' '[1]' '42' 'null'; do
		post_event "{\"payload\":$p}"
		expect_error 422 VALIDATION_FAILED
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = payload ]
	done
}

@test "unknown top-level fields are 422 naming each field" {
	post_event '{"payload":{},"extra":1,"other":2}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -c '[.error.details[].field]' <<<"$body")" = '["extra","other"]' ]
}

@test "a field given twice is 422" {
	post_event '{"payload":{},"payload":{}}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].message' <<<"$body")" = "is given more than once" ]
}

@test "source, type and topic must be strings of 1 to 128 characters without control characters" {
	long=$(printf 'é%.0s' $(seq 1 129))
	ok=$(printf 'é%.0s' $(seq 1 128))
	post_event "{\"source\":\"$ok\",\"payload\":{}}"
	[ "$status_code" = 201 ]
	for f in source type topic; do
		post_event "{\"$f\":\"$long\",\"payload\":{}}"
		expect_error 422 VALIDATION_FAILED
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "$f" ]
		post_event "{\"$f\":\"\",\"payload\":{}}"
		expect_error 422 VALIDATION_FAILED
		post_event "{\"$f\":\"a\\u0000b\",\"payload\":{}}"
		expect_error 422 VALIDATION_FAILED
		post_event "{\"$f\":\"a\\nb\",\"payload\":{}}"
		expect_error 422 VALIDATION_FAILED
		post_event "{\"$f\":7,\"payload\":{}}"
		expect_error 422 VALIDATION_FAILED
	done
}

@test "several problems are all listed in details" {
	post_event '{"source":1,"type":"","topic":[],"payload":3,"x":0}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq '.error.details | length' <<<"$body")" = 5 ]
}

@test "a body over MAX_PAYLOAD_BYTES is 413 PAYLOAD_TOO_LARGE" {
	head -c 530000 /dev/zero | tr '\0' 'a' | sed 's/^/{"payload":{"s":"/; s/$/"}}/' >"$BATS_TEST_TMPDIR/big"
	post_event "@$BATS_TEST_TMPDIR/big"
	expect_error 413 PAYLOAD_TOO_LARGE
}

@test "the web server itself refuses a body far over the cap with 413" {
	head -c 2000000 /dev/zero | tr '\0' 'a' >"$BATS_TEST_TMPDIR/huge"
	req_a POST /events -H 'Content-Type: application/json' --data-binary "@$BATS_TEST_TMPDIR/huge"
	[ "$status_code" = 413 ]
}

@test "a body just under MAX_PAYLOAD_BYTES is accepted" {
	head -c 520000 /dev/zero | tr '\0' 'a' | sed 's/^/{"payload":{"s":"/; s/$/"}}/' >"$BATS_TEST_TMPDIR/big"
	post_event "@$BATS_TEST_TMPDIR/big"
	[ "$status_code" = 201 ]
}

@test "a non-JSON content type is 415 UNSUPPORTED_MEDIA_TYPE" {
	req_a POST /events -H 'Content-Type: text/plain' --data-binary '{"payload":{}}'
	expect_error 415 UNSUPPORTED_MEDIA_TYPE
	req_a POST /events --data '{"payload":{}}'   # curl's form type
	expect_error 415 UNSUPPORTED_MEDIA_TYPE
}

@test "application/json with a charset and +json types are accepted" {
	req_a POST /events -H 'Content-Type: application/json; charset=utf-8' --data-binary '{"payload":{}}'
	[ "$status_code" = 201 ]
	req_a POST /events -H 'Content-Type: application/cloudevents+json' --data-binary '{"payload":{}}'
	[ "$status_code" = 201 ]
}

@test "a chunked body is read whole" {
	req_a POST /events -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary '{"payload":{"chunked":true}}'
	[ "$status_code" = 201 ]
}

@test "query parameters on POST /events are refused with 400 INVALID_PARAMETER" {
	req_a POST '/events?x=1' -H 'Content-Type: application/json' --data-binary '{"payload":{}}'
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = x ]
	req_a POST '/events?api_key=key_a' -H 'Content-Type: application/json' --data-binary '{"payload":{}}'
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = api_key ]
}
