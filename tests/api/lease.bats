#!/usr/bin/env bats
# Leases (POST /inbox/lease), extend, release, dead letters, redrive, and
# long polling. Each test uses its own topic so tests do not see each
# other's events.

load ../helpers/suite

setup_file() {
	MAX_DELIVERIES=3 zs_start
}

# lease JSON: POST /inbox/lease as tenant A.
lease() {
	req_a POST /inbox/lease -H 'Content-Type: application/json' \
		--data-binary "$1"
}

# post_topic TOPIC: posts an event with that topic; prints its id.
post_topic() {
	new_event "{\"topic\":\"$1\",\"payload\":{\"t\":\"$1\"}}"
}

# lease_post ID ACTION JSON: POST /inbox/ID/ACTION as tenant A.
lease_post() {
	req_a POST "/inbox/$1/$2" -H 'Content-Type: application/json' \
		--data-binary "$3"
}

@test "a lease takes pending events oldest first, with lease fields" {
	a=$(post_topic order)
	b=$(post_topic order)
	lease '{"topic":"order","limit":5,"visibility_timeout":60}'
	[ "$status_code" = 200 ]
	[ "$(jq -r '[.events[].id] | join(" ")' <<<"$body")" = "$a $b" ]
	[ "$(jq -r '.events[0].status' <<<"$body")" = leased ]
	[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = 1 ]
	[[ "$(jq -r '.events[0].lease_id' <<<"$body")" =~ ^lse_[0-9A-Z]{26}$ ]]
	[ "$(jq -r '.events[0].lease_id' <<<"$body")" != "$(jq -r '.events[1].lease_id' <<<"$body")" ]
	exp=$(jq -r '.events[0].lease_expires_at' <<<"$body")
	created=$(jq -r '.events[0].created_at' <<<"$body")
	secs=$(( $(date -d "$exp" +%s) - $(date -d "$created" +%s) ))
	[ "$secs" -ge 59 ] && [ "$secs" -le 61 ]
	[ "$(jq -r '.events[0].payload.t' <<<"$body")" = order ]
}

@test "a leased event is not leased again and shows as leased" {
	id=$(post_topic held)
	lease '{"topic":"held"}'
	[ "$(jq -r '.events | length' <<<"$body")" = 1 ]
	lease '{"topic":"held"}'
	[ "$status_code" = 200 ]
	[ "$body" = '{"events":[]}' ]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = leased ]
	[ "$(jq -r .delivery_count <<<"$body")" = 1 ]
	[ "$(jq -r .lease_id <<<"$body")" = null ]
	req_a GET "/inbox?status=leased&topic=held"
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	req_a GET "/inbox?status=pending&topic=held"
	[ "$(jq -r '.events | length' <<<"$body")" = 0 ]
}

@test "limit caps a lease and the defaults are 10 events for 30 seconds" {
	for _ in $(seq 12); do post_topic caps >/dev/null; done
	lease '{"topic":"caps","limit":2}'
	[ "$(jq -r '.events | length' <<<"$body")" = 2 ]
	lease '{"topic":"caps"}'
	[ "$(jq -r '.events | length' <<<"$body")" = 10 ]
	exp=$(jq -r '.events[0].lease_expires_at' <<<"$body")
	secs=$(( $(date -d "$exp" +%s) - $(date +%s) ))
	[ "$secs" -ge 28 ] && [ "$secs" -le 31 ]
}

@test "an expired lease comes back with delivery_count 2 and a new lease_id" {
	id=$(post_topic expiry)
	lease '{"topic":"expiry","visibility_timeout":1}'
	first=$(jq -r '.events[0].lease_id' <<<"$body")
	sleep 1.2
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = pending ]
	lease '{"topic":"expiry"}'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = 2 ]
	[ "$(jq -r '.events[0].lease_id' <<<"$body")" != "$first" ]
}

@test "extend moves the end of a live lease" {
	id=$(post_topic extend)
	lease '{"topic":"extend","visibility_timeout":1}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" extend "{\"lease_id\":\"$lid\",\"visibility_timeout\":120}"
	[ "$status_code" = 200 ]
	[ "$(jq -r .status <<<"$body")" = leased ]
	secs=$(( $(date -d "$(jq -r .lease_expires_at <<<"$body")" +%s) - $(date +%s) ))
	[ "$secs" -ge 118 ] && [ "$secs" -le 121 ]
	sleep 1.2
	lease '{"topic":"extend"}'
	[ "$body" = '{"events":[]}' ]
}

@test "release gives an event back at once, or after its delay" {
	id=$(post_topic release)
	lease '{"topic":"release"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" release "{\"lease_id\":\"$lid\"}"
	[ "$status_code" = 200 ]
	[ "$(jq -r .status <<<"$body")" = pending ]
	lease '{"topic":"release"}'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = 2 ]
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" release "{\"lease_id\":\"$lid\",\"delay\":1}"
	[ "$status_code" = 200 ]
	lease '{"topic":"release"}'
	[ "$body" = '{"events":[]}' ]
	sleep 1.1
	lease '{"topic":"release"}'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
}

@test "a stale lease_id gets 409 on extend and release and lease_lost on ack" {
	id=$(post_topic stale)
	lease '{"topic":"stale","visibility_timeout":1}'
	old=$(jq -r '.events[0].lease_id' <<<"$body")
	sleep 1.2
	lease '{"topic":"stale"}'
	new=$(jq -r '.events[0].lease_id' <<<"$body")
	[ "$new" != "$old" ]
	lease_post "$id" extend "{\"lease_id\":\"$old\",\"visibility_timeout\":5}"
	expect_error 409 LEASE_NOT_HELD
	lease_post "$id" release "{\"lease_id\":\"$old\"}"
	expect_error 409 LEASE_NOT_HELD
	lease_post "$id" ack "{\"lease_id\":\"$old\"}"
	[ "$status_code" = 200 ]
	[ "$(jq -r .status <<<"$body")" = acknowledged ]
	[ "$(jq -r .lease_lost <<<"$body")" = true ]
	# The holder of the live lease learns its ack was not lost.
	lease_post "$id" ack "{\"lease_id\":\"$new\"}"
	[ "$(jq -r .lease_lost <<<"$body")" = false ]
	# An acknowledged event's lease can no longer be extended.
	lease_post "$id" extend "{\"lease_id\":\"$new\",\"visibility_timeout\":5}"
	expect_error 409 LEASE_NOT_HELD
}

@test "an ack with the live lease_id says lease_lost false; without one, nothing" {
	id=$(post_topic ackok)
	lease '{"topic":"ackok"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" ack "{\"lease_id\":\"$lid\"}"
	[ "$status_code" = 200 ]
	[ "$(jq -r .lease_lost <<<"$body")" = false ]
	id=$(post_topic ackok)
	req_a POST "/inbox/$id/ack" -d ''
	[ "$status_code" = 200 ]
	[ "$(jq -r 'has("lease_lost")' <<<"$body")" = false ]
}

@test "after MAX_DELIVERIES leases an event is dead, and redrive brings it back" {
	id=$(post_topic dead)
	for n in 1 2 3; do
		lease '{"topic":"dead","visibility_timeout":1}'
		[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = "$n" ]
		sleep 1.05
	done
	lease '{"topic":"dead"}'
	[ "$body" = '{"events":[]}' ]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = dead ]
	[[ "$(jq -r .dead_at <<<"$body")" =~ ^[0-9]{4}- ]]
	req_a GET "/inbox?status=dead&topic=dead"
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	req_a GET /stats
	[ "$(jq -r .dead <<<"$body")" -ge 1 ]

	req_a POST "/inbox/$id/redrive" -d ''
	[ "$status_code" = 200 ]
	[ "$(jq -r .status <<<"$body")" = pending ]
	[ "$(jq -r .delivery_count <<<"$body")" = 0 ]
	req_a POST "/inbox/$id/redrive" -d ''
	expect_error 409 EVENT_NOT_DEAD
	lease '{"topic":"dead"}'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = 1 ]
}

@test "a dead event can still be acknowledged" {
	id=$(post_topic deadack)
	for _ in 1 2 3; do
		lease '{"topic":"deadack","visibility_timeout":1}'
		sleep 1.05
	done
	lease '{"topic":"deadack"}'
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = dead ]
	req_a POST "/inbox/$id/ack" -d ''
	[ "$status_code" = 200 ]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = acknowledged ]
}

@test "a long poll returns as soon as an event is posted" {
	start=$(date +%s%N)
	( sleep 0.5; post_topic longpoll >/dev/null ) &
	lease '{"topic":"longpoll","wait":10}'
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	wait
	[ "$status_code" = 200 ]
	[ "$(jq -r '.events | length' <<<"$body")" = 1 ]
	[ "$ms" -lt 3000 ] || { echo "took $ms ms" >&2; false; }
}

@test "a long poll with nothing to lease returns empty at the end of its wait" {
	start=$(date +%s%N)
	lease '{"topic":"nothing-here","wait":2}'
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status_code" = 200 ]
	[ "$body" = '{"events":[]}' ]
	[ "$ms" -ge 1900 ] && [ "$ms" -lt 4000 ]
}

@test "a long poll wakes when a lease of its tenant expires" {
	post_topic wake-expiry >/dev/null
	lease '{"topic":"wake-expiry","visibility_timeout":1}'
	start=$(date +%s%N)
	lease '{"topic":"wake-expiry","wait":10}'
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$(jq -r '.events[0].delivery_count' <<<"$body")" = 2 ]
	[ "$ms" -lt 3000 ]
}

@test "a long poll does not hold up other requests" {
	lease '{"topic":"idle-a","wait":5}' &
	lease '{"topic":"idle-b","wait":5}' &
	sleep 0.3
	start=$(date +%s%N)
	id=$(post_topic not-held)
	lease '{"topic":"not-held"}'
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
	[ "$ms" -lt 1500 ]
	wait
}

@test "tenant isolation: no lease, extend, release, ack or redrive across tenants" {
	id=$(post_topic tenant-only)
	req_b POST /inbox/lease -H 'Content-Type: application/json' \
		--data-binary '{"topic":"tenant-only"}'
	[ "$body" = '{"events":[]}' ]
	lease '{"topic":"tenant-only"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	req_b POST "/inbox/$id/extend" -H 'Content-Type: application/json' \
		--data-binary "{\"lease_id\":\"$lid\",\"visibility_timeout\":5}"
	expect_error 404 NOT_FOUND
	req_b POST "/inbox/$id/release" -H 'Content-Type: application/json' \
		--data-binary "{\"lease_id\":\"$lid\"}"
	expect_error 404 NOT_FOUND
	req_b POST "/inbox/$id/redrive" -d ''
	expect_error 404 NOT_FOUND
	req_b POST "/inbox/$id/ack" -H 'Content-Type: application/json' \
		--data-binary "{\"lease_id\":\"$lid\"}"
	expect_error 404 NOT_FOUND
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = leased ]
}

@test "bad lease requests are 422 VALIDATION_FAILED naming the field" {
	while IFS='|' read -r json field; do
		lease "$json"
		expect_error 422 VALIDATION_FAILED
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "$field" ] ||
			{ echo "$json: $body" >&2; false; }
	done <<'EOF'
{"limit":0}|limit
{"limit":101}|limit
{"limit":1.5}|limit
{"limit":"10"}|limit
{"visibility_timeout":0}|visibility_timeout
{"visibility_timeout":43201}|visibility_timeout
{"wait":21}|wait
{"wait":-1}|wait
{"topic":""}|topic
{"topic":7}|topic
{"limits":3}|limits
{"limit":1,"limit":2}|limit
[]|body
EOF
	lease '{"limit":'
	expect_error 400 INVALID_JSON
}

@test "bad lease ids and timeouts on extend and release are 422" {
	id=$(post_topic badext)
	lease_post "$id" extend '{"lease_id":"lse_nope","visibility_timeout":5}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = lease_id ]
	lease_post "$id" extend '{"visibility_timeout":5}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].message' <<<"$body")" = "is required" ]
	lease '{"topic":"badext"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" extend "{\"lease_id\":\"$lid\"}"
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = visibility_timeout ]
	lease_post "$id" release "{\"lease_id\":\"$lid\",\"delay\":-1}"
	expect_error 422 VALIDATION_FAILED
	lease_post "$id" ack '{"lease_id":42}'
	expect_error 422 VALIDATION_FAILED
	# A well-formed lease id that was never handed out is not held.
	lease_post "$id" extend '{"lease_id":"lse_00000000000000000000000000","visibility_timeout":5}'
	expect_error 409 LEASE_NOT_HELD
	lease_post evt_00000000000000000000000000 extend "{\"lease_id\":\"$lid\",\"visibility_timeout\":5}"
	expect_error 404 NOT_FOUND
}

@test "GET on /inbox/lease is 405 with Allow: POST" {
	req_a GET /inbox/lease
	expect_error 405 METHOD_NOT_ALLOWED
	[ "$(header allow)" = "POST, OPTIONS" ] || [ "$(header allow)" = POST ]
}

@test "the stream carries leased, released, dead_lettered and redriven" {
	out=$(mktemp)
	curl -sN -H "Authorization: Bearer $KEY_A" \
		"$ZS_URL/inbox/stream?topic=streamed" >"$out" &
	cpid=$!
	sleep 0.5
	id=$(post_topic streamed)
	lease '{"topic":"streamed","visibility_timeout":1}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" release "{\"lease_id\":\"$lid\"}"
	lease '{"topic":"streamed","visibility_timeout":1}'
	sleep 1.05
	lease '{"topic":"streamed","visibility_timeout":1}'
	sleep 1.05
	lease '{"topic":"streamed"}'
	req_a POST "/inbox/$id/redrive" -d ''
	for _ in $(seq 50); do
		grep -q '^event: event.redriven' "$out" && break
		sleep 0.1
	done
	kill "$cpid"
	events=$(sed -n 's/^event: //p' "$out" | tr '\n' ' ')
	[ "$events" = "event.created event.leased event.released event.leased event.leased event.dead_lettered event.redriven " ] ||
		{ echo "got: $events" >&2; false; }
	grep '^data: .*"status":"leased"' "$out" | head -1 | grep -q '"delivery_count":1'
	grep '^data: .*"status":"dead"' "$out" | grep -q '"delivery_count":3'
	rm -f "$out"
}

# worker N DIR: leases and acknowledges "together" events until a lease
# comes back empty, logging "id lease_id" per delivery to DIR/N.
worker() {
	local n=$1 dir=$2 page id lid
	while :; do
		page=$(curl -s -X POST "$ZS_URL/inbox/lease" \
			-H "Authorization: Bearer $KEY_A" \
			-H 'Content-Type: application/json' \
			--data-binary '{"topic":"together","limit":5,"visibility_timeout":60,"wait":1}')
		[ "$(jq -r '.events | length' <<<"$page")" -gt 0 ] || return 0
		while read -r id lid; do
			echo "$id $lid" >>"$dir/$n"
			curl -s -o /dev/null -X POST "$ZS_URL/inbox/$id/ack" \
				-H "Authorization: Bearer $KEY_A" \
				-H 'Content-Type: application/json' \
				--data-binary "{\"lease_id\":\"$lid\"}"
		done < <(jq -r '.events[] | "\(.id) \(.lease_id)"' <<<"$page")
	done
}

@test "four workers leasing at once process every event exactly once" {
	dir=$(mktemp -d)
	for _ in $(seq 120); do post_topic together; done | sort >"$dir/posted"
	[ "$(wc -l <"$dir/posted")" = 120 ]
	for n in 1 2 3 4; do worker "$n" "$dir" & done
	wait
	cat "$dir"/[1-4] | cut -d' ' -f1 | sort >"$dir/worked"
	# Every event once: nobody was handed an event another worker held.
	diff "$dir/posted" "$dir/worked"
	# More than one worker did work (the leases really were concurrent).
	[ "$(ls "$dir"/[1-4] | wc -l)" -ge 2 ]
	req_a GET "/inbox?status=all&topic=together&limit=500"
	[ "$(jq '[.events[] | select(.status == "acknowledged" and .delivery_count == 1)] | length' <<<"$body")" = 120 ]
	rm -rf "$dir"
}

@test "null is no value: a required field given as null is 422 is required" {
	id=$(post_topic nulls)
	lease '{"topic":"nulls"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" extend "{\"lease_id\":\"$lid\",\"visibility_timeout\":null}"
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -c '.error.details' <<<"$body")" = '[{"field":"visibility_timeout","message":"is required"}]' ]
	lease_post "$id" release '{"lease_id":null}'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = lease_id ]
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = leased ]
}

@test "lease_lost answers the same on a retried ack" {
	id=$(post_topic retry-ack)
	lease '{"topic":"retry-ack","visibility_timeout":1}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	sleep 1.1
	for _ in 1 2; do
		lease_post "$id" ack "{\"lease_id\":\"$lid\"}"
		[ "$(jq -r .lease_lost <<<"$body")" = true ]
	done
}

@test "a delayed release shows visible_at; redrive takes no fields but an empty object" {
	id=$(post_topic delayed)
	lease '{"topic":"delayed"}'
	lid=$(jq -r '.events[0].lease_id' <<<"$body")
	lease_post "$id" release "{\"lease_id\":\"$lid\",\"delay\":60}"
	until=$(jq -r .visible_at <<<"$body")
	req_a GET "/inbox/$id"
	[ "$(jq -r .status <<<"$body")" = pending ]
	[ "$(jq -r .visible_at <<<"$body")" = "$until" ]
	lease_post "$id" redrive '{}'
	expect_error 409 EVENT_NOT_DEAD
	lease_post "$id" redrive '{"now":true}'
	expect_error 422 VALIDATION_FAILED
}
