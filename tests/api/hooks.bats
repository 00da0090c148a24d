#!/usr/bin/env bats
# Webhook sources: POST /hooks/{token} for Stripe, GitHub, Shopify,
# Standard Webhooks and unsigned sources; GET /hooks. Signatures are made
# here with openssl, as each provider documents them.

STRIPE_SECRET=whsec_test_stripe
GITHUB_SECRET="It's a Secret to Everybody"
SHOPIFY_SECRET=shpss_test_shop
STD_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

load ../helpers/suite
load ../helpers/stream

setup_file() {
	export WEBHOOK_SOURCES="stripe:tenant_a:stripe:$STRIPE_SECRET:payments;github:tenant_a:github:$GITHUB_SECRET:engineering;shop:tenant_a:shopify:$SHOPIFY_SECRET;std:tenant_a:standard:$STD_SECRET:std;open:tenant_b:none"
	zs_start
	# each source's URL, from the listing
	local n
	req_a GET /hooks
	for n in stripe github shop std; do
		export "TOK_$n=$(jq -r --arg n "$n" '.sources[] | select(.name == $n) | .path' <<<"$body" | sed 's|^/hooks/||')"
	done
	req_b GET /hooks
	export TOK_open=$(jq -r '.sources[0].path' <<<"$body" | sed 's|^/hooks/||')
}

teardown() {
	close_streams
}

# hmac_hex KEY DATA / hmac_b64 KEY DATA: HMAC-SHA256 in hex or base64.
hmac_hex() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //'; }
hmac_b64() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -binary | openssl base64 -A; }
# std_sig ID TS BODY: the Standard Webhooks signature (key: the base64
# after whsec_, decoded).
std_sig() {
	local key
	key=$(printf '%s' "${STD_SECRET#whsec_}" | openssl base64 -d -A | od -An -tx1 | tr -d ' \n')
	printf '%s' "$1.$2.$3" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | openssl base64 -A
}

# hook TOKEN BODY [curl args...]: POST /hooks/TOKEN with the body as JSON.
hook() {
	local tok=$1 b=$2
	shift 2
	req POST "/hooks/$tok" -H 'Content-Type: application/json' --data-binary "$b" "$@"
}

# The senders, each signing as its provider does. A signature argument
# replaces the right one (to send a wrong one).
stripe() { # BODY [T] [HEADER]
	local t=${2:-$(date +%s)}
	hook "$TOK_stripe" "$1" -H "Stripe-Signature: ${3:-t=$t,v1=$(hmac_hex "$STRIPE_SECRET" "$t.$1")}"
}
github() { # BODY EVENT DELIVERY [HEADER]
	hook "$TOK_github" "$1" -H "X-GitHub-Event: $2" -H "X-GitHub-Delivery: $3" \
		-H "X-Hub-Signature-256: ${4:-sha256=$(hmac_hex "$GITHUB_SECRET" "$1")}"
}
shopify() { # BODY TOPIC WEBHOOK_ID [HEADER]
	hook "$TOK_shop" "$1" -H "X-Shopify-Topic: $2" -H "X-Shopify-Webhook-Id: $3" \
		-H "X-Shopify-Hmac-Sha256: ${4:-$(hmac_b64 "$SHOPIFY_SECRET" "$1")}"
}
standard() { # BODY ID [TS] [HEADER]
	local ts=${3:-$(date +%s)}
	hook "$TOK_std" "$1" -H "webhook-id: $2" -H "webhook-timestamp: $ts" \
		-H "webhook-signature: ${4:-v1,$(std_sig "$2" "$ts" "$1")}"
}

# stored ID: the event as tenant A's inbox has it.
stored() {
	req_a GET "/inbox/$1"
	[ "$status_code" = 200 ] || { echo "GET /inbox/$1: $status_code $body" >&2; return 1; }
}

# count TYPE: tenant A's events of that type.
count() {
	zs_sql "SELECT count(*) FROM events WHERE tenant = 'tenant_a' AND type = '$1'"
}

@test "GET /hooks lists the tenant's sources with their URLs and never a secret" {
	req_a GET /hooks
	[ "$status_code" = 200 ]
	[ "$(jq -r '[.sources[].name] | join(",")' <<<"$body")" = stripe,github,shop,std ]
	[ "$(jq -r '[.sources[].scheme] | join(",")' <<<"$body")" = stripe,github,shopify,standard ]
	[ "$(jq -r '[.sources[].topic] | map(. // "-") | join(",")' <<<"$body")" = payments,engineering,-,std ]
	jq -e 'all(.sources[]; .path | test("^/hooks/[A-Za-z0-9_-]{32}$"))' <<<"$body" >/dev/null
	jq -e 'all(.sources[]; keys == ["last_rejected_at", "name", "path", "rejected", "scheme", "topic"])' <<<"$body" >/dev/null
	! grep -qiE 'whsec|secret|shpss' <<<"$body"
	req_b GET /hooks
	[ "$(jq -r '[.sources[].name] | join(",")' <<<"$body")" = open ]
	req GET /hooks
	expect_error 401 UNAUTHORIZED
	req_a GET '/hooks?x=1'
	expect_error 400 INVALID_PARAMETER
}

@test "each source's URL is stable: the same in every process, in zs-admin hooks, and after a restart" {
	for i in 1 2 3 4 5 6; do
		req_a GET /hooks
		[ "$(jq -r '.sources[0].path' <<<"$body")" = "/hooks/$TOK_stripe" ]
	done
	run "$ZS_BIN/zs-admin" hooks
	[ "$status" = 0 ]
	grep -qP "^github\ttenant_a\tgithub\tengineering\thttp://127.0.0.1:\d+/hooks/$TOK_github$" <<<"$output"
	PUBLIC_URL=https://hooks.example.com/ run "$ZS_BIN/zs-admin" hooks
	grep -qF "https://hooks.example.com/hooks/$TOK_shop" <<<"$output"
	[ "$(zs_sql 'SELECT count(*) FROM webhook_tokens')" = 5 ]
	load ../helpers/restart
	zs_stop_lighttpd
	zs_start_lighttpd
	req_a GET /hooks
	[ "$(jq -r '.sources[1].path' <<<"$body")" = "/hooks/$TOK_github" ]
}

@test "GitHub: a signed delivery becomes an event (event.action type, source, topic, payload as sent)" {
	b='{"action":"opened","number":318,"pull_request":{"title":"Add hooks"}}'
	github "$b" pull_request gh-1
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	[ "$(header location)" = "/inbox/$id" ]
	stored "$id"
	[ "$(jq -r .source <<<"$body")" = github ]
	[ "$(jq -r .type <<<"$body")" = pull_request.opened ]
	[ "$(jq -r .topic <<<"$body")" = engineering ]
	[ "$(jq -c .payload <<<"$body")" = "$b" ]
	# an event without an action is typed by X-GitHub-Event alone
	github '{"ref":"refs/heads/main"}' push gh-2
	[ "$status_code" = 201 ]
	stored "$(jq -r .id <<<"$body")"
	[ "$(jq -r .type <<<"$body")" = push ]
}

@test "GitHub: a wrong, truncated or missing signature, or a body changed after signing, is 401" {
	b='{"action":"closed","number":1}'
	good="sha256=$(hmac_hex "$GITHUB_SECRET" "$b")"
	github "$b" issues gh-w1 "sha256=$(hmac_hex "wrong secret" "$b")"
	expect_error 401 UNAUTHORIZED
	github "$b" issues gh-w2 "${good%?}"
	expect_error 401 UNAUTHORIZED
	github "$b" issues gh-w3 "${good#sha256=}"
	expect_error 401 UNAUTHORIZED
	hook "$TOK_github" "$b" -H 'X-GitHub-Event: issues'
	expect_error 401 UNAUTHORIZED
	github '{"action":"closed","number":2}' issues gh-w4 "$good"
	expect_error 401 UNAUTHORIZED
	[[ "$(jq -r .error.message <<<"$body")" == *X-Hub-Signature-256* ]]
	! grep -q "$GITHUB_SECRET" <<<"$body"
	[ "$(count issues.closed)" = 0 ]
}

@test "GitHub's published example verifies: secret \"It's a Secret to Everybody\", body \"Hello, World!\"" {
	sig=sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
	[ "sha256=$(hmac_hex "$GITHUB_SECRET" 'Hello, World!')" = "$sig" ]
	# verified, then refused only because the body is not JSON
	github 'Hello, World!' ping gh-v "$sig"
	expect_error 400 INVALID_JSON
	github 'Hello, World?' ping gh-v "$sig"
	expect_error 401 UNAUTHORIZED
}

@test "Stripe: a signed delivery becomes an event typed by the body's type" {
	b='{"id":"evt_1Stripe","object":"event","type":"invoice.paid","data":{"object":{"amount":4200}}}'
	stripe "$b"
	[ "$status_code" = 201 ]
	stored "$(jq -r .id <<<"$body")"
	[ "$(jq -r '[.source, .type, .topic] | join(" ")' <<<"$body")" = "stripe invoice.paid payments" ]
	[ "$(jq -c .payload <<<"$body")" = "$b" ]
	# any v1 may match (Stripe sends several while a secret is rolled)
	b2='{"id":"evt_2Stripe","type":"charge.refunded"}'
	t=$(date +%s)
	stripe "$b2" "$t" "t=$t,v1=$(hmac_hex whsec_old "$t.$b2"),v1=$(hmac_hex "$STRIPE_SECRET" "$t.$b2"),v0=abc"
	[ "$status_code" = 201 ]
}

@test "Stripe: wrong, truncated or missing signatures and changed bodies are 401; a stale timestamp is 400" {
	b='{"id":"evt_3Stripe","type":"customer.created"}'
	t=$(date +%s)
	good=$(hmac_hex "$STRIPE_SECRET" "$t.$b")
	stripe "$b" "$t" "t=$t,v1=$(hmac_hex whsec_wrong "$t.$b")"
	expect_error 401 UNAUTHORIZED
	stripe "$b" "$t" "t=$t,v1=${good:0:40}"
	expect_error 401 UNAUTHORIZED
	stripe "$b" "$t" "v1=$good"
	expect_error 401 UNAUTHORIZED
	hook "$TOK_stripe" "$b"
	expect_error 401 UNAUTHORIZED
	stripe '{"id":"evt_3Stripe","type":"customer.deleted"}' "$t" "t=$t,v1=$good"
	expect_error 401 UNAUTHORIZED
	# well signed, but 301 s old (WEBHOOK_TOLERANCE_SECONDS=300)
	old=$((t - 301))
	stripe "$b" "$old"
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = "Stripe-Signature timestamp" ]
	# a stale timestamp with a wrong signature says nothing about the clock
	stripe "$b" "$old" "t=$old,v1=$(hmac_hex whsec_wrong "$old.$b")"
	expect_error 401 UNAUTHORIZED
	[ "$(count customer.created)" = 0 ]
}

@test "Shopify: a signed delivery becomes an event typed by X-Shopify-Topic; bad signatures are 401" {
	b='{"id":820982911,"email":"jon@example.com","total_price":"59.90"}'
	shopify "$b" orders/create shop-1
	[ "$status_code" = 201 ]
	stored "$(jq -r .id <<<"$body")"
	[ "$(jq -r '[.source, .type, .topic] | join(" ")' <<<"$body")" = "shop orders/create " ]
	[ "$(jq -c .payload <<<"$body")" = "$b" ]
	good=$(hmac_b64 "$SHOPIFY_SECRET" "$b")
	shopify "$b" orders/paid shop-2 "$(hmac_b64 wrong "$b")"
	expect_error 401 UNAUTHORIZED
	shopify "$b" orders/paid shop-2 "${good%=}"
	expect_error 401 UNAUTHORIZED
	shopify "$b" orders/paid shop-2 "$(hmac_hex "$SHOPIFY_SECRET" "$b")"
	expect_error 401 UNAUTHORIZED
	hook "$TOK_shop" "$b" -H 'X-Shopify-Topic: orders/paid'
	expect_error 401 UNAUTHORIZED
	shopify "${b/59.90/0.01}" orders/paid shop-2 "$good"
	expect_error 401 UNAUTHORIZED
	[ "$(count orders/paid)" = 0 ]
}

@test "Standard Webhooks: a signed delivery becomes an event typed by the body's type" {
	b='{"type":"user.created","timestamp":"2026-11-27T01:16:24Z","data":{"id":7}}'
	standard "$b" msg_std1
	[ "$status_code" = 201 ]
	stored "$(jq -r .id <<<"$body")"
	[ "$(jq -r '[.source, .type, .topic] | join(" ")' <<<"$body")" = "std user.created std" ]
	[ "$(jq -c .payload <<<"$body")" = "$b" ]
	# the spec's own example signature, and several signatures at once
	[ "$(std_sig msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330 '{"test": 2432232314}')" = g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= ]
	b2='{"type":"user.deleted"}'
	ts=$(date +%s)
	standard "$b2" msg_std2 "$ts" "v1,Zm9vYmFy v1a,bm9wZQ== v1,$(std_sig msg_std2 "$ts" "$b2")"
	[ "$status_code" = 201 ]
}

@test "Standard Webhooks: wrong, truncated or missing signatures and changed bodies are 401; a stale timestamp is 400" {
	b='{"type":"user.updated"}'
	ts=$(date +%s)
	good=$(std_sig msg_std3 "$ts" "$b")
	standard "$b" msg_std3 "$ts" "v1,$(hmac_b64 wrong "msg_std3.$ts.$b")"
	expect_error 401 UNAUTHORIZED
	standard "$b" msg_std3 "$ts" "v1,${good:0:20}"
	expect_error 401 UNAUTHORIZED
	standard "$b" msg_std3 "$ts" "$good"
	expect_error 401 UNAUTHORIZED
	hook "$TOK_std" "$b" -H "webhook-id: msg_std3" -H "webhook-timestamp: $ts"
	expect_error 401 UNAUTHORIZED
	standard '{"type":"user.updatex"}' msg_std3 "$ts" "v1,$good"
	expect_error 401 UNAUTHORIZED
	# the id and timestamp are signed too
	standard "$b" msg_std4 "$ts" "v1,$good"
	expect_error 401 UNAUTHORIZED
	old=$((ts - 301))
	standard "$b" msg_std3 "$old"
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].field' <<<"$body")" = webhook-timestamp ]
	future=$(($(date +%s) + 400))
	standard "$b" msg_std3 "$future"
	expect_error 400 INVALID_PARAMETER
	[ "$(count user.updated)" = 0 ]
}

@test "an API Idempotency-Key cannot block a webhook delivery: each deduplicates in its own namespace" {
	# a client of tenant A plants the key a delivery of source stripe
	# would have been stored under before the namespaces were separated
	post_event '{"topic":"plant","payload":{"x":1}}' -H 'Idempotency-Key: hook:stripe:evt_future_42'
	[ "$status_code" = 201 ]
	planted=$(jq -r .id <<<"$body")
	# the genuine, signed delivery evt_future_42 still gets in
	b='{"id":"evt_future_42","type":"charge.captured"}'
	stripe "$b"
	[ "$status_code" = 201 ]
	delivered=$(jq -r .id <<<"$body")
	[ "$delivered" != "$planted" ]
	stored "$delivered"
	[ "$(jq -r .type <<<"$body")" = charge.captured ]
	# each still deduplicates within its own namespace
	sleep 1
	stripe "$b"
	[ "$status_code" = 200 ]
	[ "$(jq -r .id <<<"$body")" = "$delivered" ]
	post_event '{"topic":"plant","payload":{"x":1}}' -H 'Idempotency-Key: hook:stripe:evt_future_42'
	[ "$status_code" = 200 ]
	[ "$(header idempotent-replayed)" = true ]
	[ "$(jq -r .id <<<"$body")" = "$planted" ]
	post_event '{"topic":"plant","payload":{"x":2}}' -H 'Idempotency-Key: hook:stripe:evt_future_42'
	expect_error 422 IDEMPOTENCY_KEY_REUSED
	[ "$(count charge.captured)" = 1 ]
	# and a delivery id that is an API key does not replay the API's event
	post_event '{"topic":"plant","payload":{"x":3}}' -H 'Idempotency-Key: stripe:evt_api_7'
	[ "$status_code" = 201 ]
	stripe '{"id":"evt_api_7","type":"charge.disputed"}'
	[ "$status_code" = 201 ]
	[ "$(count charge.disputed)" = 1 ]
}

@test "provider retries are deduplicated by delivery id: 200, the same event id, no second event" {
	b='{"id":"evt_retry","type":"payment_intent.succeeded"}'
	stripe "$b"
	[ "$status_code" = 201 ]
	first=$(jq -r .id <<<"$body")
	sleep 1	# a retry is signed again, with a later timestamp
	stripe "$b"
	[ "$status_code" = 200 ]
	[ "$(header idempotent-replayed)" = true ]
	[ "$(jq -r .id <<<"$body")" = "$first" ]
	[ "$(count payment_intent.succeeded)" = 1 ]

	for i in 1 2; do github '{"action":"created"}' star gh-retry; done
	[ "$status_code" = 200 ]
	[ "$(count star.created)" = 1 ]
	for i in 1 2; do shopify '{"id":1}' products/update shop-retry; done
	[ "$status_code" = 200 ]
	[ "$(count products/update)" = 1 ]
	for i in 1 2; do standard '{"type":"invoice.voided"}' msg_retry; done
	[ "$status_code" = 200 ]
	[ "$(count invoice.voided)" = 1 ]
	# another delivery id with the same body is a new event
	github '{"action":"created"}' star gh-retry-2
	[ "$status_code" = 201 ]
	[ "$(count star.created)" = 2 ]
	# the same delivery id with another body is refused
	github '{"action":"deleted"}' star gh-retry
	expect_error 422 IDEMPOTENCY_KEY_REUSED
}

@test "an unknown token is 404, like a token of the wrong length" {
	b='{"action":"opened"}'
	sig="sha256=$(hmac_hex "$GITHUB_SECRET" "$b")"
	for tok in AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "${TOK_github%?}" "${TOK_github}x" x; do
		hook "$tok" "$b" -H "X-Hub-Signature-256: $sig"
		expect_error 404 NOT_FOUND
	done
	req GET "/hooks/$TOK_github"
	expect_error 405 METHOD_NOT_ALLOWED
}

@test "a verified body that is not JSON is 400, JSON but not an object 422; over MAX_PAYLOAD_BYTES is 413; a non-JSON Content-Type is 415" {
	for b in '{"a":' ''; do
		github "$b" ping gh-bad
		expect_error 400 INVALID_JSON
	done
	# the one body path of every route: the wrong shape is a 422
	for b in '[1,2]' '"text"'; do
		github "$b" ping gh-bad
		expect_error 422 VALIDATION_FAILED
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = body ]
	done
	{ printf '{"a":"'; head -c 530000 /dev/zero | tr '\0' a; printf '"}'; } >"$BATS_TEST_TMPDIR/big"
	req POST "/hooks/$TOK_github" -H 'Content-Type: application/json' \
		-H 'X-Hub-Signature-256: sha256=00' --data-binary "@$BATS_TEST_TMPDIR/big"
	expect_error 413 PAYLOAD_TOO_LARGE
	req POST "/hooks/$TOK_github" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary 'payload=%7B%7D'
	expect_error 415 UNSUPPORTED_MEDIA_TYPE
}

@test "a source of scheme none needs no signature; its events stay in its own tenant" {
	hook "$TOK_open" '{"type":"build.finished","ok":true}'
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	req_b GET "/inbox/$id"
	[ "$status_code" = 200 ]
	[ "$(jq -r '[.source, .type, (.topic // "-")] | join(" ")' <<<"$body")" = "open build.finished -" ]
	req_a GET "/inbox/$id"
	expect_error 404 NOT_FOUND
}

@test "hook events appear in the inbox list and the live stream with their source and type" {
	file=$BATS_TEST_TMPDIR/s
	open_stream "$file" "$ZS_URL/inbox/stream?api_key=$KEY_A&source=github"
	github '{"action":"published","release":{"tag_name":"v1"}}' release gh-live
	[ "$status_code" = 201 ]
	id=$(jq -r .id <<<"$body")
	wait_for "$file" "\"id\":\"$id\""
	line=$(grep "^data: .*\"id\":\"$id\"" "$file")
	[ "$(sed 's/^data: //' <<<"$line" | jq -r '[.source, .type, .topic] | join(" ")')" = "github release.published engineering" ]
	grep -B1 "\"id\":\"$id\"" "$file" | grep -q '^event: event.created'
	req_a GET '/inbox?source=github&type=release.published'
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ]
}

@test "zs-admin hook-rotate gives a source a new URL at once; the old one is 404" {
	run "$ZS_BIN/zs-admin" hook-rotate tenant_b open
	[ "$status" = 0 ]
	new=$(awk -F'\t' '{print $5}' <<<"$output" | sed 's|.*/hooks/||')
	[ ${#new} = 32 ] && [ "$new" != "$TOK_open" ]
	hook "$TOK_open" '{"n":1}'
	expect_error 404 NOT_FOUND
	hook "$new" '{"n":1}'
	[ "$status_code" = 201 ]
	req_b GET /hooks
	[ "$(jq -r '.sources[0].path' <<<"$body")" = "/hooks/$new" ]
	run "$ZS_BIN/zs-admin" hook-rotate tenant_b nosuch
	[ "$status" = 1 ]
}

# next_second: sleeps until the wall clock's next second begins.
next_second() {
	local ms=$((1000 - 10#$(date +%N | cut -c1-3)))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# rejections SOURCE: tenant A's delivery log of SOURCE, into $body.
rejections() {
	req_a GET "/hooks/$1/rejections"
	[ "$status_code" = 200 ] || { echo "GET /hooks/$1/rejections: $status_code $body" >&2; return 1; }
}

@test "refused deliveries are kept per source, newest first, with reason, status and request id, never the body" {
	rejections stripe
	before=$(jq .rejected <<<"$body")
	ids=()
	stripe '{"type":"marker-body-1"}' "$(date +%s)" 't=1,v1=00'
	expect_error 401 UNAUTHORIZED; ids+=("$(header x-request-id)")
	stripe '{"type":"marker-body-2"}' "$(($(date +%s) - 3600))"
	expect_error 400 INVALID_PARAMETER; ids+=("$(header x-request-id)")
	stripe '{"type":"marker-body-3"'
	expect_error 400 INVALID_JSON; ids+=("$(header x-request-id)")
	{ printf '{"a":"'; head -c 530000 /dev/zero | tr '\0' a; printf '"}'; } >"$BATS_TEST_TMPDIR/big"
	req POST "/hooks/$TOK_stripe" -H 'Content-Type: application/json' --data-binary "@$BATS_TEST_TMPDIR/big"
	expect_error 413 PAYLOAD_TOO_LARGE; ids+=("$(header x-request-id)")
	req POST "/hooks/$TOK_stripe" -H 'Content-Type: text/plain' --data-binary 'marker-body-5'
	expect_error 415 UNSUPPORTED_MEDIA_TYPE; ids+=("$(header x-request-id)")
	stripe '{"type":"accepted.one"}'
	[ "$status_code" = 201 ]

	rejections stripe
	[ "$(jq .rejected <<<"$body")" = $((before + 5)) ]
	[ "$(jq -r '[.rejections[:5][] | .reason + " " + (.status | tostring)] | join(",")' <<<"$body")" = \
		"unsupported_type 415,too_large 413,invalid_body 400,stale_timestamp 400,bad_signature 401" ]
	[ "$(jq -r '[.rejections[:5][].request_id] | reverse | join(" ")' <<<"$body")" = "${ids[*]}" ]
	jq -e '.rejections[0] | keys == ["at", "reason", "request_id", "status"]' <<<"$body" >/dev/null
	jq -e '.last_rejected_at == .rejections[0].at' <<<"$body" >/dev/null
	for r in bad_signature stale_timestamp invalid_body too_large unsupported_type; do
		jq -e --arg r "$r" '.by_reason[$r] >= 1' <<<"$body" >/dev/null
	done
	! grep -qE 'marker-body|whsec' <<<"$body"
	# GET /hooks carries the same total
	req_a GET /hooks
	[ "$(jq '.sources[] | select(.name == "stripe") | .rejected' <<<"$body")" = $((before + 5)) ]
	[ "$(jq -r '.sources[] | select(.name == "shop") | .last_rejected_at // "none"' <<<"$body")" != "" ]
}

@test "a source's delivery log is its tenant's only, and a bad name or query is refused" {
	req_b GET /hooks/stripe/rejections
	expect_error 404 NOT_FOUND
	req_a GET /hooks/nosuch/rejections
	expect_error 404 NOT_FOUND
	req_a GET '/hooks/stripe/rejections?limit=5'
	expect_error 400 INVALID_PARAMETER
	req GET /hooks/stripe/rejections
	expect_error 401 UNAUTHORIZED
	req_b GET /hooks/open/rejections
	[ "$status_code" = 200 ]
	[ "$(jq -c '[.source, .rejected, .rejections, .by_reason, .last_rejected_at]' <<<"$body")" = '["open",0,[],{},null]' ]
}

@test "a source keeps its newest 100 refusals, and a flood writes at most 20 a second per process" {
	rejections shop
	before=$(jq '.by_reason.bad_signature // 0' <<<"$body")
	# 7 rounds of 15, each in a second of its own: all are logged
	for round in 1 2 3 4 5 6 7; do
		next_second
		for i in $(seq 1 15); do shopify '{"id":1}' t "cap-$round-$i" 'AAAA'; done
		[ "$status_code" = 401 ]
	done
	rejections shop
	[ "$(jq '.by_reason.bad_signature' <<<"$body")" = $((before + 105)) ]
	[ "$(jq '.rejections | length' <<<"$body")" = 100 ]
	[ "$(zs_sql "SELECT count(*) FROM hook_rejections WHERE source = 'shop'")" = 100 ]

	# a flood in one curl: every refusal answered and in /metrics, few logged
	metric() {
		curl -s "$ZS_URL/metrics" | awk '/^zapstream_webhook_deliveries_total\{.*source="shop".*reason="bad_signature"/ { print $2 }'
	}
	m0=$(metric)
	args=()
	for i in $(seq 1 300); do
		args+=(-X POST "$ZS_URL/hooks/$TOK_shop" -H 'Content-Type: application/json' \
			-H 'X-Shopify-Hmac-Sha256: AAAA' --data-binary '{}' -o /dev/null -w '%{http_code}\n')
		[ "$i" = 300 ] || args+=(--next)
	done
	next_second
	start=$(date +%s)
	codes=$(curl -s "${args[@]}" | sort | uniq -c | awk '{print $2 "x" $1}')
	seconds=$(($(date +%s) - start + 1))
	[ "$codes" = 401x300 ]
	[ "$(metric)" = $((m0 + 300)) ]
	# under CGI every request is a process of its own: no cap to test
	[ "$ZS_SERVER" != apache-cgi ] || return 0
	rejections shop
	logged=$(($(jq '.by_reason.bad_signature' <<<"$body") - before - 105))
	procs=${ZS_PROCS:-2}	# zs-hooks processes (lighttpd.conf, zs-responders)
	echo "logged $logged of 300 in $seconds s by $procs processes" >&3
	[ "$logged" -ge 20 ]
	[ "$logged" -le $((20 * procs * (seconds + 1))) ]
	[ "$logged" -lt 300 ]
}

@test "deliveries over WEBHOOK_RATE_LIMIT_PER_MINUTE are 429 per source; unsigned requests use none of it" {
	WEBHOOK_RATE_LIMIT_PER_MINUTE=2 zs_start
	req_a GET /hooks
	tok=$(jq -r '.sources[] | select(.name == "github") | .path' <<<"$body" | sed 's|^/hooks/||')
	TOK_github=$tok
	for i in 1 2 3; do github '{"action":"x"}' rl "rl-bad-$i" sha256=00; done
	expect_error 401 UNAUTHORIZED
	github '{"action":"a"}' rl rl-1
	[ "$status_code" = 201 ]
	github '{"action":"b"}' rl rl-2
	[ "$status_code" = 201 ]
	github '{"action":"c"}' rl rl-3
	expect_error 429 RATE_LIMITED
	[ "$(header retry-after)" -ge 1 ]
	[[ "$(jq -r .error.message <<<"$body")" =~ ^"this source is over its limit of 2 deliveries a minute (WEBHOOK_RATE_LIMIT_PER_MINUTE): the next delivery is allowed in "[0-9]+" s, all 2 in "[0-9]+" s"$ ]]
	# another source has its own budget
	req_a GET /hooks
	TOK_shop=$(jq -r '.sources[] | select(.name == "shop") | .path' <<<"$body" | sed 's|^/hooks/||')
	shopify '{"id":2}' rl/x rl-s1
	[ "$status_code" = 201 ]
	zs_stop
}

@test "nothing about a secret reaches the server log" {
	! grep -qE "whsec|shpss|Secret to Everybody" "$ZS_LOG"
}
