#!/usr/bin/env bats
# GET /inbox and GET /inbox/{id}: listing, filters, order and cursors.

load ../helpers/suite

@test "an empty inbox lists no events and a null cursor" {
	req_b GET /inbox
	[ "$status_code" = 200 ]
	[ "$body" = '{"events":[],"next_cursor":null}' ]
}

@test "events list oldest first with every SPEC field" {
	a=$(new_event '{"source":"s1","type":"t1","topic":"order-test","payload":{"i":1}}')
	b=$(new_event '{"source":"s1","type":"t1","topic":"order-test","payload":{"i":2}}')
	req_a GET '/inbox?topic=order-test'
	[ "$status_code" = 200 ]
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$a\",\"$b\"]" ]
	[ "$(jq -c '.events[0] | keys' <<<"$body")" = '["acked_at","created_at","delivery_count","id","payload","source","status","topic","type"]' ]
	[ "$(jq -r .next_cursor <<<"$body")" = null ]
}

@test "order=desc lists newest first" {
	a=$(new_event '{"topic":"desc-test","payload":{}}')
	b=$(new_event '{"topic":"desc-test","payload":{}}')
	req_a GET '/inbox?topic=desc-test&order=desc'
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$b\",\"$a\"]" ]
}

@test "topic, type and source filter by exact match" {
	new_event '{"source":"github","type":"push","topic":"filt","payload":{}}' >/dev/null
	new_event '{"source":"stripe","type":"charge","topic":"filt","payload":{}}' >/dev/null
	new_event '{"source":"stripe","type":"push","topic":"filt","payload":{}}' >/dev/null
	req_a GET '/inbox?topic=filt&source=stripe'
	[ "$(jq '.events | length' <<<"$body")" = 2 ]
	req_a GET '/inbox?topic=filt&type=push&source=stripe'
	[ "$(jq '.events | length' <<<"$body")" = 1 ]
	req_a GET '/inbox?topic=filt&source=Stripe'
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
}

@test "a filter ending in * matches by prefix, counting characters, not bytes, and * is the only wildcard" {
	for t in pfx-fin.invoice pfx-fin.refund pfx-finance pfx-other pfx-é-1 pfx-%_x; do
		new_event "{\"source\":\"src-$t\",\"type\":\"t.$t\",\"topic\":\"$t\",\"payload\":{}}" >/dev/null
	done
	topics() { req_a GET "/inbox?$1"; [ "$status_code" = 200 ]; jq -c '[.events[].topic]' <<<"$body"; }
	[ "$(topics 'topic=pfx-fin*')" = '["pfx-fin.invoice","pfx-fin.refund","pfx-finance"]' ]
	[ "$(topics 'topic=pfx-fin.*')" = '["pfx-fin.invoice","pfx-fin.refund"]' ]
	[ "$(topics 'topic=pfx-fin.invoice*')" = '["pfx-fin.invoice"]' ]
	# case matters, as for exact filters
	[ "$(topics 'topic=pfx-FIN*')" = '[]' ]
	# é is one character of two bytes
	[ "$(topics 'topic=pfx-%C3%A9*')" = '["pfx-é-1"]' ]
	# % and _ are themselves, not SQL wildcards
	[ "$(topics 'topic=pfx-%25*')" = '["pfx-%_x"]' ]
	[ "$(topics 'topic=pfx-_*')" = '[]' ]
	# type and source too, combined with the others and with exact ones
	[ "$(topics 'type=t.pfx-fin*&source=src-pfx-fin.r*')" = '["pfx-fin.refund"]' ]
	[ "$(topics 'topic=pfx-fin*&type=t.pfx-finance')" = '["pfx-finance"]' ]
	# a prefix pages with cursors like any filter
	req_a GET '/inbox?topic=pfx-fin*&limit=2'
	cursor=$(jq -r .next_cursor <<<"$body")
	[ "$(topics "topic=pfx-fin*&limit=2&cursor=$cursor")" = '["pfx-finance"]' ]
	# without the star it is an exact match
	[ "$(topics 'topic=pfx-fin')" = '[]' ]
}

@test "until returns events created strictly before the instant, alone or with since" {
	a=$(new_event '{"topic":"until-test","payload":{}}')
	sleep 0.05
	mid=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
	sleep 0.05
	b=$(new_event '{"topic":"until-test","payload":{}}')
	sleep 0.05
	late=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
	sleep 0.05
	new_event '{"topic":"until-test","payload":{}}' >/dev/null
	req_a GET "/inbox?topic=until-test&until=$mid"
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$a\"]" ]
	req_a GET "/inbox?topic=until-test&since=$mid&until=$late"
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$b\"]" ]
	created=$(jq -r '.events[0].created_at' <<<"$body")
	req_a GET "/inbox?topic=until-test&until=$created&since=$mid"
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
	req_a GET "/inbox?topic=until-test&until=$late&order=desc&status=all"
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$b\",\"$a\"]" ]
	# an empty window is a mistake, said so
	req_a GET "/inbox?since=$late&until=$mid"
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0] | .field + ": " + .message' <<<"$body")" = "until: must be later than since" ]
}

@test "a filter value is percent-decoded" {
	new_event '{"topic":"a b&c","payload":{}}' >/dev/null
	req_a GET '/inbox?topic=a%20b%26c'
	[ "$(jq '.events | length' <<<"$body")" = 1 ]
	req_a GET '/inbox?topic=a+b%26c'
	[ "$(jq '.events | length' <<<"$body")" = 1 ]
}

@test "status selects pending, acknowledged or all" {
	a=$(new_event '{"topic":"status-test","payload":{}}')
	b=$(new_event '{"topic":"status-test","payload":{}}')
	req_a POST "/inbox/$a/ack" -d ''
	[ "$status_code" = 200 ]
	req_a GET '/inbox?topic=status-test'
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$b\"]" ]
	req_a GET '/inbox?topic=status-test&status=acknowledged'
	[ "$(jq -c '[.events[] | [.id, .status]]' <<<"$body")" = "[[\"$a\",\"acknowledged\"]]" ]
	[ "$(jq -r '.events[0].acked_at' <<<"$body")" != null ]
	req_a GET '/inbox?topic=status-test&status=all'
	[ "$(jq '.events | length' <<<"$body")" = 2 ]
}

@test "since returns events created strictly after the instant" {
	new_event '{"topic":"since-test","payload":{}}' >/dev/null
	sleep 0.05
	mid=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
	sleep 0.05
	b=$(new_event '{"topic":"since-test","payload":{}}')
	req_a GET "/inbox?topic=since-test&since=$mid"
	[ "$(jq -c '[.events[].id]' <<<"$body")" = "[\"$b\"]" ]
	created=$(jq -r '.events[0].created_at' <<<"$body")
	req_a GET "/inbox?topic=since-test&since=$created"
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
	req_a GET "/inbox?topic=since-test&since=2000-01-01T01:00:00%2B01:00"
	[ "$(jq '.events | length' <<<"$body")" = 2 ]
}

@test "limit bounds the page and next_cursor is set exactly when more events match" {
	for i in 1 2 3; do new_event '{"topic":"limit-test","payload":{}}' >/dev/null; done
	req_a GET '/inbox?topic=limit-test&limit=2'
	[ "$(jq '.events | length' <<<"$body")" = 2 ]
	[ "$(jq -r .next_cursor <<<"$body")" != null ]
	req_a GET '/inbox?topic=limit-test&limit=3'
	[ "$(jq '.events | length' <<<"$body")" = 3 ]
	[ "$(jq -r .next_cursor <<<"$body")" = null ]
}

@test "cursors page through every event once, in both orders" {
	for i in $(seq 1 7); do new_event "{\"topic\":\"page-test\",\"payload\":{\"i\":$i}}" >/dev/null; done
	for order in asc desc; do
		seen=() cursor=""
		while :; do
			req_a GET "/inbox?topic=page-test&limit=3&order=$order${cursor:+&cursor=$cursor}"
			[ "$status_code" = 200 ]
			seen+=($(jq -r '.events[].payload.i' <<<"$body"))
			cursor=$(jq -r '.next_cursor // empty' <<<"$body")
			[ -n "$cursor" ] || break
		done
		if [ $order = asc ]; then want="1 2 3 4 5 6 7"; else want="7 6 5 4 3 2 1"; fi
		[ "${seen[*]}" = "$want" ]
	done
}

@test "cursor paging never skips or repeats while others insert and acknowledge" {
	for i in $(seq 1 60); do new_event "{\"topic\":\"race\",\"payload\":{\"i\":$i}}" >/dev/null; done
	# a writer adds events and acknowledges others while a reader pages
	(
		for i in $(seq 61 120); do
			curl -s -o /dev/null -X POST "$ZS_URL/events" -H "X-API-Key: $KEY_A" \
				-H 'Content-Type: application/json' -d "{\"topic\":\"race\",\"payload\":{\"i\":$i}}"
		done
	) &
	writer=$!
	seen=() cursor=""
	while :; do
		req_a GET "/inbox?topic=race&status=all&limit=7${cursor:+&cursor=$cursor}"
		[ "$status_code" = 200 ]
		ids=$(jq -r '.events[].id' <<<"$body")
		# acknowledge the first of each page: status=all must still list it
		first=$(head -n 1 <<<"$ids")
		[ -z "$first" ] || curl -s -o /dev/null -X POST "$ZS_URL/inbox/$first/ack" -H "X-API-Key: $KEY_A" -d ''
		seen+=($(jq -r '.events[].payload.i' <<<"$body"))
		cursor=$(jq -r '.next_cursor // empty' <<<"$body")
		[ -n "$cursor" ] || break
	done
	wait $writer
	# every event present at the start is seen exactly once, in order
	printf '%s\n' "${seen[@]}" >"$BATS_TEST_TMPDIR/seen"
	[ "$(sort -n "$BATS_TEST_TMPDIR/seen" | uniq -d | wc -l)" = 0 ]
	for i in $(seq 1 60); do grep -qx "$i" "$BATS_TEST_TMPDIR/seen"; done
	[ "$(sort -n "$BATS_TEST_TMPDIR/seen")" = "$(cat "$BATS_TEST_TMPDIR/seen")" ]
	# a final page after the writer stopped reaches everything
	req_a GET "/inbox?topic=race&status=all&limit=500"
	[ "$(jq '.events | length' <<<"$body")" = 120 ]
}

@test "malformed query parameters are 400 INVALID_PARAMETER naming the parameter" {
	for q in limit=0 limit=501 limit=abc limit=-1 status=done order=up since=yesterday \
		until=tomorrow 'until=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z' \
		'topic=a%00*' "topic=$(printf 'a%.0s' $(seq 1 129))*" \
		since=2026-13-01T00:00:00Z cursor=garbage cursor= topic= 'topic=%00' 'topic=%01' \
		'type=a%0Ab' bogus=1 'limit=5&limit=6'; do
		req_a GET "/inbox?$q"
		expect_error 400 INVALID_PARAMETER
		name=${q%%=*}
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "$name" ]
	done
}

@test "a cursor made for one order is refused for the other" {
	for i in 1 2; do new_event '{"topic":"order-cursor","payload":{}}' >/dev/null; done
	req_a GET '/inbox?topic=order-cursor&limit=1'
	cursor=$(jq -r .next_cursor <<<"$body")
	req_a GET "/inbox?topic=order-cursor&limit=1&order=desc&cursor=$cursor"
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = cursor ]
}

# cursor_plain CURSOR: the text inside a cursor (base64url, unpadded).
cursor_plain() {
	local c=$1
	while [ $((${#c} % 4)) != 0 ]; do c="$c="; done
	tr -- '-_' '+/' <<<"$c" | base64 -d
}

@test "cursors are sealed per tenant: they reveal nothing of another tenant's events, and old ones are refused" {
	new_event '{"topic":"sealed","payload":{"n":1}}' >/dev/null
	for i in 1 2 3 4 5; do
		req_b POST /events -H 'Content-Type: application/json' --data-binary '{"topic":"sealed","payload":{}}'
		[ "$status_code" = 201 ]
	done
	for i in 2 3; do new_event "{\"topic\":\"sealed\",\"payload\":{\"n\":$i}}" >/dev/null; done
	req_a GET '/inbox?topic=sealed&limit=1'
	c1=$(jq -r .next_cursor <<<"$body")
	id1=$(jq -r '.events[0].id' <<<"$body")
	req_a GET "/inbox?topic=sealed&limit=1&cursor=$c1"
	c2=$(jq -r .next_cursor <<<"$body")
	id2=$(jq -r '.events[0].id' <<<"$body")
	[ "$(jq -r '.events[0].payload.n' <<<"$body")" = 2 ]
	s1=$(zs_sql "SELECT seq FROM events WHERE id = '$id1'")
	s2=$(zs_sql "SELECT seq FROM events WHERE id = '$id2'")
	[ $((s2 - s1)) = 6 ]	# B's five events lie between
	p1=$(cursor_plain "$c1")
	p2=$(cursor_plain "$c2")
	[[ "$p1" == v2:a:* ]] && [[ "$p2" == v2:a:* ]]
	n1=${p1#v2:a:} n2=${p2#v2:a:}
	[ "$n1" != "$s1" ] && [ "$n2" != "$s2" ]
	[ $((n2 - n1)) != 6 ] && [ $((n2 - n1)) != 1 ]
	# the last page still comes, exactly
	req_a GET "/inbox?topic=sealed&limit=1&cursor=$c2"
	[ "$(jq -r '.events[0].payload.n' <<<"$body")" = 3 ]
	[ "$(jq -r .next_cursor <<<"$body")" = null ]
	# B's listing from A's cursor shows none of A's events
	req_b GET "/inbox?topic=sealed&cursor=$c1"
	[ "$status_code" = 200 ]
	[ -z "$(jq -r '.events[].id' <<<"$body" | grep -Fx -e "$id1" -e "$id2")" ]
	# a version 1 cursor (the seq itself) is refused: a cursor is short-lived
	v1=$(printf 'v1:a:%s' "$s1" | base64 | tr -- '+/' '-_' | tr -d '=\n')
	req_a GET "/inbox?topic=sealed&limit=1&cursor=$v1"
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = cursor ]
}

@test "api_key in the query is refused outside the stream" {
	req GET '/inbox?api_key=key_a' -H "X-API-Key: $KEY_A"
	expect_error 400 INVALID_PARAMETER
	[[ "$(jq -r .error.message <<<"$body")" == *stream* ]]
	# without a header too, on every route but the stream: the docs
	# promise a 400 saying where the key goes
	for p in '/inbox?api_key=key_a' '/stats?api_key=key_a' \
		'/inbox/evt_01M8DD205T3HYMWAR1Y2R628D9?api_key=x'; do
		req GET "$p"
		expect_error 400 INVALID_PARAMETER
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = api_key ]
	done
	req POST '/inbox/lease?api_key=key_a' -H 'Content-Type: application/json' -d '{}'
	expect_error 400 INVALID_PARAMETER
}

@test "GET /inbox/{id} returns one event" {
	id=$(new_event '{"source":"one","payload":{"x":true}}')
	req_a GET "/inbox/$id"
	[ "$status_code" = 200 ]
	[ "$(jq -r .id <<<"$body")" = "$id" ]
	[ "$(jq -r .source <<<"$body")" = one ]
	[ "$(jq -c .payload <<<"$body")" = '{"x":true}' ]
}

@test "unknown, malformed and tricky ids are 404 NOT_FOUND" {
	for id in evt_00000000000000000000000000 evt_nothing nothing "evt_01M8DD205T3HYMWAR1Y2R628D9%00" \
		"..%2F..%2Fetc%2Fpasswd" "evt_01m8dd205t3hymwar1y2r628d9" "%27%20OR%201%3D1--"; do
		req_a GET "/inbox/$id"
		# Apache refuses %00 in a path itself, before a .htaccess (and
		# so its ErrorDocument) is read: under CGI its 404 is HTML
		if [ "$ZS_SERVER" = apache-cgi ] && [[ "$id" == *%00 ]]; then
			[ "$status_code" = 404 ]
			continue
		fi
		expect_error 404 NOT_FOUND
	done
}

@test "SQL in filters is data, not code" {
	new_event '{"topic":"sqli","payload":{}}' >/dev/null
	req_a GET "/inbox?topic=sqli%27%20OR%20%271%27%3D%271"
	[ "$status_code" = 200 ]
	[ "$(jq '.events | length' <<<"$body")" = 0 ]
	req_a GET "/inbox?source=x%27%3B%20DROP%20TABLE%20events%3B--"
	[ "$status_code" = 200 ]
	req_a GET '/inbox?topic=sqli'
	[ "$(jq '.events | length' <<<"$body")" = 1 ]
}
