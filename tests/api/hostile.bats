#!/usr/bin/env bats
# Hostile input that the other files do not already cover: malformed
# framing, oversized or broken headers, huge numbers, injection attempts.
# Each answer is checked exactly, and the server must still answer after.

load ../helpers/suite

# raw TEXT: sends TEXT as is on a new connection; prints the status line.
raw() {
	local port=${ZS_URL##*:} line sock
	# not fd 3: bats keeps its own output there
	exec {sock}<>"/dev/tcp/127.0.0.1/$port"
	printf '%b' "$1" >&"$sock"
	IFS= read -r -t 5 line <&"$sock" || line="(no answer)"
	exec {sock}<&-
	printf '%s\n' "${line%$'\r'}"
}

still_healthy() {
	req GET /health
	[ "$status_code" = 200 ]
}

@test "a Content-Length shorter than the body: the cut body is INVALID_JSON" {
	body='{"payload":{}}'
	out=$(raw "POST /events HTTP/1.1\r\nHost: x\r\nX-API-Key: $KEY_A\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n$body")
	[ "$out" = "HTTP/1.1 400 Bad Request" ]
	still_healthy
}

@test "a Content-Length longer than the body, then a hang-up: nothing stored, server fine" {
	before=$(zs_sql 'SELECT count(*) FROM events')
	port=${ZS_URL##*:}
	exec {sock}<>"/dev/tcp/127.0.0.1/$port"
	printf 'POST /events HTTP/1.1\r\nHost: x\r\nX-API-Key: %s\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"payload":{}}' "$KEY_A" >&"$sock"
	exec {sock}<&-
	sleep 0.5
	[ "$(zs_sql 'SELECT count(*) FROM events')" = "$before" ]
	still_healthy
}

@test "a Content-Length that is not a number is refused" {
	out=$(raw "POST /events HTTP/1.1\r\nHost: x\r\nX-API-Key: $KEY_A\r\nContent-Length: 12abc\r\nConnection: close\r\n\r\n")
	[ "$out" = "HTTP/1.1 400 Bad Request" ]
	still_healthy
}

@test "oversized headers are refused by the web server (lighttpd 431, Apache 400)" {
	big=$(head -c 70000 /dev/zero | tr '\0' 'a')
	req GET /inbox -H "X-API-Key: $KEY_A" -H "X-Big: $big"
	[ "$status_code" = 431 ] || [ "$status_code" = 400 ] || [ "$status_code" = 413 ]
	still_healthy
}

@test "NUL, CR or LF inside a header value is refused before any responder" {
	for v in 'a\0b' 'a\rb' 'a\r\nX-Injected: 1'; do
		out=$(raw "POST /events HTTP/1.1\r\nHost: x\r\nX-API-Key: $KEY_A\r\nIdempotency-Key: $v\r\nContent-Type: application/json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{\"payload\":{}}")
		# lighttpd refuses the first two; the third is two headers, and the
		# injected one is just an unknown header: the key is "a"
		case "$v" in
		*X-Injected*) [ "$out" = "HTTP/1.1 201 Created" ] ;;
		*) [ "$out" = "HTTP/1.1 400 Bad Request" ] ;;
		esac
	done
	still_healthy
}

@test "a number of 100,000 digits is stored exactly" {
	digits=$(head -c 100000 /dev/zero | tr '\0' '7')
	echo "{\"payload\":{\"n\":$digits}}" >"$BATS_TEST_TMPDIR/num"
	post_event "@$BATS_TEST_TMPDIR/num"
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	stored=$(zs_sql "SELECT payload FROM events WHERE id = '$id'")
	[ "$stored" = "{\"n\":$digits}" ]
}

@test "duplicate keys inside the payload are kept as sent" {
	post_event '{"payload":{"a":1,"a":2}}'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	[ "$(zs_sql "SELECT payload FROM events WHERE id = '$id'")" = '{"a":1,"a":2}' ]
}

@test "NUL escapes in payload strings and keys are kept; in source they are refused" {
	post_event '{"payload":{"k\u0000":"v\u0000"}}'
	[ "$status_code" = 201 ]
	post_event '{"source":"a\u0000","payload":{}}'
	expect_error 422 VALIDATION_FAILED
	printf '{"payload":{"s":"a\x00b"}}' >"$BATS_TEST_TMPDIR/nul"
	post_event "@$BATS_TEST_TMPDIR/nul"
	expect_error 400 INVALID_JSON
}

@test "SQL injection in every filter and id is data" {
	new_event '{"topic":"sqli2","payload":{}}' >/dev/null
	for q in "topic=x'%20OR%201=1--" "type=%22%3B%20DROP%20TABLE%20events%3B--" \
		"source=x')%20UNION%20SELECT%20*%20FROM%20idempotency_keys--"; do
		req_a GET "/inbox?$q"
		[ "$status_code" = 200 ]
		[ "$(jq '.events | length' <<<"$body")" = 0 ]
	done
	for bad in "since=2026-01-01T00:00:00Z'%20OR%201=1" "cursor=djE6YTowJyBPUiAxPTE" "limit=1%20OR%201=1"; do
		req_a GET "/inbox?$bad"
		expect_error 400 INVALID_PARAMETER
	done
	for id in "evt_x'%20OR%20'1'='1" "evt_01M8DD205T3HYMWAR1Y2R628D9'--"; do
		for m in GET DELETE; do
			req_a "$m" "/inbox/$id"
			expect_error 404 NOT_FOUND
		done
		req_a POST "/inbox/$id/ack" -d ''
		expect_error 404 NOT_FOUND
	done
	req_a GET '/inbox?topic=sqli2'
	[ "$(jq '.events | length' <<<"$body")" = 1 ]
}

@test "encoded slashes and dots in ids do not reach other routes or files" {
	for p in "/inbox/..%2Fhealth" "/inbox/%2E%2E/health" "/inbox/evt_x%2Fack" "/inbox/%252e%252e%252fetc"; do
		req_a GET "$p"
		expect_error 404 NOT_FOUND
	done
	req_a GET "/inbox/../../etc/passwd" --path-as-is
	[ "$status_code" != 200 ] || ! grep -q root: <<<"$body"
}

@test "the server answers normally after all of the above" {
	post_event '{"payload":{"after":"hostile"}}'
	[ "$status_code" = 201 ]
	[ "$(grep -c 'AddressSanitizer\|runtime error' "$ZS_LOG")" = 0 ]
}

@test "a slow client holding a half-sent request is cut off by the server's read timeout" {
	port=${ZS_URL##*:}
	exec {slow}<>"/dev/tcp/127.0.0.1/$port"
	printf 'POST /events HTTP/1.1\r\nHost: x\r\nX-API-Key: %s\r\n' "$KEY_A" >&"$slow"
	# the API answers others meanwhile
	still_healthy
	# lighttpd's server.max-read-idle and Apache's RequestReadTimeout are
	# 30 s: by 40 s the connection must be closed
	start=$SECONDS
	while IFS= read -r -t 40 line <&"$slow"; do :; done
	elapsed=$((SECONDS - start))
	exec {slow}<&-
	echo "closed after ${elapsed}s"
	[ "$elapsed" -ge 25 ] && [ "$elapsed" -lt 40 ]
	still_healthy
}
