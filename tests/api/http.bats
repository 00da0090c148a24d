#!/usr/bin/env bats
# Authentication, routing, request ids, CORS and /health.

load ../helpers/suite

setup_file() {
	export CORS_ALLOWED_ORIGINS="https://app.example.com, http://localhost:3000"
	zs_start
}

@test "a missing key is 401 with WWW-Authenticate: Bearer" {
	req GET /inbox
	expect_error 401 UNAUTHORIZED
	[[ "$(header www-authenticate)" == Bearer* ]]
}

@test "an unknown key is 401, in every form" {
	req GET /inbox -H 'Authorization: Bearer nope'
	expect_error 401 UNAUTHORIZED
	req GET /inbox -H 'X-API-Key: nope'
	expect_error 401 UNAUTHORIZED
	req GET /inbox -H 'Authorization: Basic a2V5X2E6'
	expect_error 401 UNAUTHORIZED
	req GET /inbox -H 'Authorization: Bearer'
	expect_error 401 UNAUTHORIZED
	req GET /inbox -H "Authorization: Bearer ${KEY_A}x"
	expect_error 401 UNAUTHORIZED
	req GET /inbox -H "Authorization: Bearer ${KEY_A%?}"
	expect_error 401 UNAUTHORIZED
}

@test "the Bearer scheme is case-insensitive and whitespace around it is ignored" {
	for h in "Authorization: bearer $KEY_A" "Authorization: BEARER   $KEY_A  " "X-API-Key:   $KEY_A "; do
		req GET /inbox -H "$h"
		[ "$status_code" = 200 ]
	done
}

@test "1000 wrong keys all answer 401 and never leak into the log" {
	for i in $(seq 1 1000); do echo "header = \"X-API-Key: wrong-$i-secret\""; echo "url = \"$ZS_URL/inbox\""; echo "output = /dev/null"; echo 'write-out = "%{http_code}\n"'; echo next; done | sed '$d' >"$BATS_TEST_TMPDIR/cfg"
	codes=$(curl -sS --no-progress-meter --parallel --parallel-max 20 -K "$BATS_TEST_TMPDIR/cfg" | sort | uniq -c | awk '{print $2":"$1}')
	echo "$codes"
	[ "$codes" = "401:1000" ]
	! grep -q 'secret' "$ZS_LOG"
}

@test "every response carries X-Request-Id, and a safe client id is echoed" {
	for p in /health /inbox /nope; do
		req GET "$p"
		[[ "$(header x-request-id)" =~ ^req_[0-9A-Z]{26}$ ]]
	done
	req GET /health -H 'X-Request-Id: client-abc.123'
	[ "$(header x-request-id)" = client-abc.123 ]
	req GET /health -H 'X-Request-Id: bad id<script>'
	[[ "$(header x-request-id)" =~ ^req_ ]]
}

@test "an unknown route is a JSON 404" {
	for p in /nope /events/x /inbox/evt_x/nope /api/v1/events; do
		req GET "$p" -H "X-API-Key: $KEY_A"
		expect_error 404 NOT_FOUND
	done
}

@test "a known path with the wrong method is 405 with Allow" {
	req GET /events -H "X-API-Key: $KEY_A"
	expect_error 405 METHOD_NOT_ALLOWED
	[ "$(header allow)" = "POST, OPTIONS" ]
	req PUT /inbox/evt_01M8DD205T3HYMWAR1Y2R628D9 -H "X-API-Key: $KEY_A"
	expect_error 405 METHOD_NOT_ALLOWED
	[ "$(header allow)" = "GET, HEAD, DELETE, OPTIONS" ]
	req GET /inbox/ack -H "X-API-Key: $KEY_A"
	expect_error 405 METHOD_NOT_ALLOWED
	[ "$(header allow)" = "POST, OPTIONS" ]
	req DELETE /inbox -H "X-API-Key: $KEY_A"
	expect_error 405 METHOD_NOT_ALLOWED
	[ "$(header allow)" = "GET, HEAD, OPTIONS" ]
	req POST /health -d ''
	expect_error 405 METHOD_NOT_ALLOWED
}

# req_head PATH [curl args...]: HEAD PATH (curl -I, which reads no body);
# sets $status_code, $headers and $body as req does.
req_head() {
	local path=$1 out
	shift
	out=$(mktemp)
	# (with -I, curl writes the headers where the body would go; a body
	# after them would follow in the same file)
	status_code=$(curl -s -I -o "$out" -w '%{http_code}' --max-time 5 \
		"$ZS_URL$path" "$@")
	headers=$(tr -d '\r' <"$out" | sed '/^$/q' | sed 's/^\([^:]*\):/\L\1:/')
	body=$(tr -d '\r' <"$out" | sed '1,/^$/d')
	rm -f "$out"
}

@test "HEAD is answered on every GET route as GET, without the body" {
	id=$(new_event)
	for p in /inbox "/inbox/$id" /stats /health /hooks /inbox/evt_01M8DD205T3HYMWAR1Y2R628D9 \
		"/inbox?limit=0"; do
		req_a GET "$p"
		want_status=$status_code want_type=$(header content-type)
		want_len=$(($(printf '%s' "$body" | wc -c) + 1))	# (the newline $() drops)
		req_head "$p" -H "Authorization: Bearer $KEY_A"
		[ "$status_code" = "$want_status" ] || { echo "$p: HEAD $status_code, GET $want_status"; false; }
		[ "$(header content-type)" = "$want_type" ]
		# (Apache's FastCGI proxy drops Content-Length from a reply
		# with no body; RFC 9110 allows it to)
		[ "$(header content-length)" = "$want_len" ] ||
			{ [ "$ZS_SERVER" = apache-fcgi ] && [ -z "$(header content-length)" ]; } ||
			{ echo "$p: $(header content-length) != $want_len"; false; }
		[ -z "$body" ]
		[[ "$(header x-request-id)" =~ ^req_ ]]
	done
	# the stream: its headers, then the reply ends
	req_head "/inbox/stream?api_key=$KEY_A"
	[ "$status_code" = 200 ]
	[ "$(header content-type)" = "text/event-stream; charset=utf-8" ]
	[ -z "$body" ]
	# and gives its stream slot back (STREAM_MAX_PER_KEY is 25)
	for i in $(seq 1 30); do
		req_head "/inbox/stream?api_key=$KEY_B"
		[ "$status_code" = 200 ] || { echo "HEAD $i: $status_code"; false; }
	done
	# and HEAD is not a way around the key
	req_head /inbox
	[ "$status_code" = 401 ]
	# where GET is not served, neither is HEAD
	req_head /events -H "Authorization: Bearer $KEY_A"
	[ "$status_code" = 405 ]
	[ "$(header allow)" = "POST, OPTIONS" ]
}

@test "authenticated replies carry the IETF RateLimit fields" {
	req_a GET /inbox
	[ "$(header ratelimit-policy)" = '"default";q=1000000;w=60' ]
	[[ "$(header ratelimit)" =~ ^\"default\"\;r=[0-9]+\;t=[0-9]+$ ]]
}

@test "a CORS preflight from an allowed origin is answered" {
	req OPTIONS /events -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: POST' \
		-H 'Access-Control-Request-Headers: authorization, content-type'
	[ "$status_code" = 204 ]
	[ "$(header access-control-allow-origin)" = https://app.example.com ]
	[[ "$(header access-control-allow-methods)" == *POST* ]]
	for h in Authorization X-API-Key Content-Type Idempotency-Key X-Idempotency-Key; do
		[[ "$(header access-control-allow-headers)" == *"$h"* ]]
	done
}

@test "an origin not on the list gets no CORS headers" {
	req OPTIONS /events -H 'Origin: https://evil.example.com' -H 'Access-Control-Request-Method: POST'
	[ -z "$(header access-control-allow-origin)" ]
	req_a GET /inbox -H 'Origin: https://evil.example.com'
	[ "$status_code" = 200 ]
	[ -z "$(header access-control-allow-origin)" ]
}

@test "an allowed origin's requests carry Access-Control-Allow-Origin" {
	req_a GET /inbox -H 'Origin: http://localhost:3000'
	[ "$(header access-control-allow-origin)" = http://localhost:3000 ]
	[[ "$(header access-control-expose-headers)" == *X-Request-Id* ]]
}

@test "GET /health answers without a key" {
	req GET /health
	[ "$status_code" = 200 ]
	[ "$(jq -r .status <<<"$body")" = ok ]
	[ "$(jq -r .database <<<"$body")" = ok ]
	[ -n "$(jq -r .version <<<"$body")" ]
}

@test "the dashboard's static files are served at /" {
	req GET /
	[ "$status_code" = 200 ]
	[[ "$(header content-type)" == text/html* ]]
}

@test "each responder runs as at least two processes, zs-events as one (its group commit)" {
	# under CGI no responder stays running: a process per request instead
	zs_resident || skip "CGI: a process per request"
	for r in zs-inbox zs-lease zs-health; do
		[ "$(zs_pids $r | wc -l)" -ge 2 ]
	done
	post_event '{"payload":{}}'
	[ "$(zs_pids zs-events | wc -l)" = 1 ]
}

# raw TEXT: sends TEXT as is to the server (printf escapes) and sets
# $status_code, $headers and $body from the reply.
raw() {
	local port=${ZS_URL##*:} out
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	# shellcheck disable=SC2059
	printf "$1" >&7
	out=$(timeout 5 cat <&7 | tr -d '\r')
	exec 7<&-
	status_code=$(head -n 1 <<<"$out" | cut -d' ' -f2)
	headers=$(sed '/^$/q' <<<"$out" | sed 's/^\([^:]*\):/\L\1:/')
	body=$(sed '1,/^$/d' <<<"$out")
}

# web_error STATUS CODE: the reply is ZapStream's JSON error, not a page
# of the web server's.
web_error() {
	expect_error "$1" "$2"
	[[ "$(header content-type)" == application/json* ]]
	[[ "$(header x-request-id)" =~ ^req_ ]]
}

@test "the web server's own refusals are the JSON error with X-Request-Id" {
	raw 'GET /inbox HTTP/1.1\r\nHost: x\r\nNo colon here\r\nConnection: close\r\n\r\n'
	if [ "$ZS_SERVER" = lighttpd ]; then
		web_error 400 BAD_REQUEST
	else
		# Apache stops at a header it cannot parse, before any
		# ErrorDocument (docs/deployment.md): its own page, still a 400
		[ "$status_code" = 400 ]
	fi
	# past the web server's own limit (MAX_PAYLOAD_BYTES + 64 KiB)
	head -c 700000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	req_a POST /events -H 'Content-Type: application/json' --data-binary @"$BATS_TEST_TMPDIR/big"
	web_error 413 PAYLOAD_TOO_LARGE
	# Apache refuses an overlong header or URL while it reads the
	# request, before any ErrorDocument: only lighttpd's are JSON
	req_a GET /inbox -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' a)"
	[ "$status_code" = 431 ] || [ "$status_code" = 400 ]
	if [ "$ZS_SERVER" = lighttpd ]; then web_error 431 HEADERS_TOO_LARGE; fi
	req_a GET "/inbox?$(head -c 70000 /dev/zero | tr '\0' a)"
	[[ "$status_code" =~ ^4(14|31)$ ]]
	if [ "$ZS_SERVER" = lighttpd ]; then web_error 431 HEADERS_TOO_LARGE; fi
	# a file that is not there, and a dotfile, are the JSON 404
	req GET /no-such-file.html
	web_error 404 NOT_FOUND
	req GET /.htaccess
	web_error 404 NOT_FOUND
}

@test "a POST with no length and no chunked body is 411 LENGTH_REQUIRED where the web server requires one" {
	[ "$ZS_SERVER" = lighttpd ] || skip "Apache takes a POST without a length as an empty body (our 400/422 then follow)"
	raw 'POST /events HTTP/1.0\r\nHost: x\r\nX-API-Key: key_a\r\nContent-Type: application/json\r\n\r\n'
	web_error 411 LENGTH_REQUIRED
}

# Last in the file: it leaves /stats unreachable.
@test "a responder the web server cannot reach is its 503, as the JSON error with Retry-After" {
	[ "$ZS_SERVER" != apache-cgi ] || skip "CGI: a process per request, no responder to be unreachable"
	req_a GET /stats
	[ "$status_code" = 200 ]
	# The responders keep running on sockets no longer in the directory.
	rm -f "$ZS_DIR"/run/stats.sock*
	req_a GET /stats
	web_error 503 UNAVAILABLE
	[ "$(header retry-after)" -ge 1 ]
	# the other responders answer on
	req_a GET /inbox
	[ "$status_code" = 200 ]
}
