#!/usr/bin/env bats
# www/openapi.yaml and the /docs page: the document lints, covers every API
# path lighttpd maps to a responder, and every operation it documents
# answers a live server with a status (and media type, and headers) that
# it lists. Needs node_modules (npm ci, or make vendor) for @redocly/cli
# and www/vendor (make vendor) for the page's Swagger UI.

HOOK_SECRET=openapi-secret

load helpers/suite

setup_file() {
	export ZS_BIN=${ZS_BIN:-$ZS_ROOT/build/bin}
	export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
	export SPEC_YAML=$ZS_ROOT/www/openapi.yaml
	export REDOCLY=$ZS_ROOT/node_modules/.bin/redocly
	# The document as JSON with every $ref resolved, for jq. Left absent
	# when redocly is missing; need_spec then says what to run.
	export SPEC_JSON=$BATS_FILE_TMPDIR/openapi.json
	if [ -x "$REDOCLY" ] && [ -f "$SPEC_YAML" ]; then
		"$REDOCLY" bundle "$SPEC_YAML" --dereferenced --ext json \
			-o "$SPEC_JSON" >/dev/null 2>&1 || rm -f "$SPEC_JSON"
	fi
	export WEBHOOK_SOURCES="gh:tenant_a:github:$HOOK_SECRET:openapi"
	# One lease per event before it is dead-lettered, so dead_event makes
	# a dead event (for POST /inbox/{id}/redrive) with one expired lease.
	export MAX_DELIVERIES=1
	zs_start
}

setup() {
	cd "$ZS_ROOT"
}

need_redocly() {
	[ -x "$REDOCLY" ] || {
		echo "node_modules/.bin/redocly is missing: run 'make vendor' (npm ci)" >&2
		return 1
	}
}

need_spec() {
	need_redocly
	[ -s "$SPEC_JSON" ] || {
		echo "redocly could not bundle $SPEC_YAML:" >&2
		"$REDOCLY" bundle "$SPEC_YAML" --dereferenced --ext json -o /dev/null >&2
		return 1
	}
}

# operations: "METHOD /path" for every operation the document lists.
operations() {
	jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[]
		| select(.key | test("^(get|put|post|delete|options|head|patch|trace)$"))
		| "\(.key | ascii_upcase) \($p)"' "$SPEC_JSON"
}

# op_json METHOD PATH: the operation object.
op_json() {
	jq --arg m "${1,,}" --arg p "$2" '.paths[$p][$m]' "$SPEC_JSON"
}

# stream_req [curl args...]: opens GET /inbox/stream for 2 s; sets
# status_code, headers and body like req.
stream_req() {
	local out=$BATS_TEST_TMPDIR/stream
	status_code=$(curl -sN -m 2 -D "$out.head" -o "$out.body" \
		-w '%{http_code}' "$ZS_URL/inbox/stream" "$@") || :
	headers=$(tr -d '\r' <"$out.head" | sed 's/^\([^:]*\):/\L\1:/')
	body=$(cat "$out.body")
}

# hook_delivery [curl args...]: a GitHub delivery, signed with the
# source's secret, to the URL GET /hooks lists for tenant A's source.
hook_delivery() {
	local path b='{"action":"opened","number":1}' sig
	path=$(curl -s "$ZS_URL/hooks" -H "X-API-Key: $KEY_A" | jq -r '.sources[0].path')
	sig=$(printf '%s' "$b" | openssl dgst -sha256 -hmac "$HOOK_SECRET" | sed 's/^.*= //')
	req POST "$path" "$@" -H 'Content-Type: application/json' \
		-H 'X-GitHub-Event: pull_request' -H "X-Hub-Signature-256: sha256=$sig" \
		--data-binary "$b"
}

# lease_topic TOPIC SECONDS [curl args...]: POST /inbox/lease for one
# event of TOPIC, leased for SECONDS, as tenant A unless a key is given.
lease_topic() {
	local topic=$1 secs=$2
	shift 2
	[ $# -gt 0 ] || set -- -H "Authorization: Bearer $KEY_A"
	req POST /inbox/lease "$@" \
		-H 'Content-Type: application/json' \
		--data-binary "{\"topic\":\"$topic\",\"limit\":1,\"visibility_timeout\":$secs}"
}

# new_topic: a topic no other event of this file has.
new_topic() {
	echo "openapi-$BATS_TEST_NUMBER-$RANDOM$RANDOM"
}

# leased_event: posts an event of tenant A with a topic of its own and
# leases it for 60 s; prints "id lease_id". Fails unless the lease took
# exactly that event.
leased_event() {
	local topic id
	topic=$(new_topic)
	id=$(new_event "{\"topic\":\"$topic\",\"payload\":{\"n\":1}}") || return 1
	lease_topic "$topic" 60
	[ "$status_code" = 200 ] && [ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ] ||
		{ echo "could not lease $id: $status_code $body" >&2; return 1; }
	echo "$id $(jq -r '.events[0].lease_id' <<<"$body")"
}

# dead_event: an event of tenant A that is dead: leased once (the
# server's MAX_DELIVERIES) for 1 s, then dead-lettered by the next lease
# after it expired; prints its id.
dead_event() {
	local topic id
	topic=$(new_topic)
	id=$(new_event "{\"topic\":\"$topic\",\"payload\":{\"n\":1}}") || return 1
	lease_topic "$topic" 1
	[ "$(jq -r '.events[0].id' <<<"$body")" = "$id" ] ||
		{ echo "could not lease $id: $status_code $body" >&2; return 1; }
	sleep 1.1
	lease_topic "$topic" 30
	[ "$body" = '{"events":[]}' ] ||
		{ echo "the lease after MAX_DELIVERIES took it: $body" >&2; return 1; }
	req GET "/inbox/$id" -H "Authorization: Bearer $KEY_A"
	[ "$(jq -r .status <<<"$body")" = dead ] ||
		{ echo "$id is not dead: $body" >&2; return 1; }
	echo "$id"
}

# call_operation "METHOD /path" [curl args...]: the smallest valid request
# for a documented operation, with the extra curl args (a key). Fails for
# an operation this file does not know: add its request here. Operations
# on a lease or a dead event get a real one, so each can fail.
call_operation() {
	local op=$1 id lid topic
	shift
	case "$op" in
	"GET /inbox/{id}" | "DELETE /inbox/{id}" | "POST /inbox/{id}/ack")
		id=$(new_event) || return 1 ;;
	"POST /inbox/{id}/extend" | "POST /inbox/{id}/release")
		read -r id lid < <(leased_event) && [ -n "$lid" ] || return 1 ;;
	"POST /inbox/{id}/redrive")
		id=$(dead_event) || return 1 ;;
	esac
	case "$op" in
	"POST /inbox/lease")
		topic=$(new_topic)
		new_event "{\"topic\":\"$topic\",\"payload\":{\"n\":1}}" >/dev/null || return 1
		lease_topic "$topic" 60 "$@"
		# not vacuous: the reply holds the event, so its schema is checked
		[ "$status_code" != 200 ] || [ "$(jq '.events | length' <<<"$body")" = 1 ] ||
			{ echo "the lease did not take the new event: $body" >&2; return 1; } ;;
	"POST /inbox/{id}/extend")
		req POST "/inbox/$id/extend" "$@" -H 'Content-Type: application/json' \
			--data-binary "{\"lease_id\":\"$lid\",\"visibility_timeout\":120}" ;;
	"POST /inbox/{id}/release")
		req POST "/inbox/$id/release" "$@" -H 'Content-Type: application/json' \
			--data-binary "{\"lease_id\":\"$lid\"}" ;;
	"POST /inbox/{id}/redrive") req POST "/inbox/$id/redrive" "$@" -d '' ;;
	"POST /events")
		req POST /events "$@" -H 'Content-Type: application/json' \
			--data-binary '{"payload":{"n":1}}' ;;
	"GET /inbox") req GET /inbox "$@" ;;
	"GET /inbox/{id}") req GET "/inbox/$id" "$@" ;;
	"DELETE /inbox/{id}") req DELETE "/inbox/$id" "$@" ;;
	"POST /inbox/{id}/ack") req POST "/inbox/$id/ack" "$@" -d '' ;;
	"POST /inbox/ack")
		id=$(new_event) || return 1
		req POST /inbox/ack "$@" -H 'Content-Type: application/json' \
			--data-binary "{\"ids\":[\"$id\"]}" ;;
	"GET /inbox/stream") stream_req "$@" ;;
	"GET /stats") req GET /stats "$@" ;;
	"GET /health") req GET /health "$@" ;;
	"GET /metrics") req GET /metrics "$@" ;;
	"GET /hooks") req GET /hooks "$@" ;;
	"POST /hooks/{source_token}") hook_delivery "$@" ;;
	"GET /hooks/{name}/rejections")
		# a refused delivery first, so the log's items are checked too
		req GET /hooks -H "Authorization: Bearer $KEY_A"
		req POST "$(jq -r '.sources[0].path' <<<"$body")" -H 'Content-Type: application/json' \
			-H 'X-GitHub-Event: ping' -H 'X-Hub-Signature-256: sha256=00' --data-binary '{}'
		[ "$status_code" = 401 ] || { echo "the wrong signature was not refused: $status_code" >&2; return 1; }
		req GET /hooks/gh/rejections "$@" ;;
	*)
		echo "no request for the documented operation '$op': add one to call_operation in tests/openapi.bats" >&2
		return 1 ;;
	esac
}

# body_problems SCHEMA: what in the JSON on stdin the (dereferenced)
# schema forbids, one line each: a required member missing, a member the
# schema does not list when it says additionalProperties: false, a value
# of another type, or not its const or enum; through properties and
# array items (not into oneOf, allOf and the like).
body_problems() {
	jq -r --argjson s "$1" '
		def jtype: type as $t | if $t == "number" and . == floor
			then ["number", "integer"] else [$t] end;
		def problems($s; $p):
			. as $v
			| (if ($s | has("type")) and
				([$s.type] | flatten | any(. as $t | $v | jtype | index($t)) | not)
				then "\($p): \($v | tojson | .[:60]) is not of type \($s.type | tojson)" else empty end),
			(if ($s | has("const")) and $v != $s.const
				then "\($p): \($v | tojson) is not the documented \($s.const | tojson)" else empty end),
			(if ($s | has("enum")) and ($s.enum | index([$v]) | not)
				then "\($p): \($v | tojson) is not one of \($s.enum | tojson)" else empty end),
			(if ($v | type) == "object" then
				(($s.required // [])[] | select(. as $m | $v | has($m) | not)
					| "\($p): lacks the documented member \(.)"),
				(if $s.additionalProperties == false then
					($v | keys_unsorted[]) | select(. as $k | $s.properties // {} | has($k) | not)
					| "\($p): has the undocumented member \(.)"
				else empty end),
				(($s.properties // {}) | to_entries[] | select(.key as $k | $v | has($k))
					| . as $e | $v[$e.key] | problems($e.value; "\($p).\($e.key)"))
			elif ($v | type) == "array" and ($s | has("items")) then
				range(0; $v | length) as $i | $v[$i] | problems($s.items; "\($p)[\($i)]")
			else empty end);
		problems($s; "body")'
}

# check_reply "METHOD /path": the reply in status_code/headers/body is one
# the document lists for the operation: its status, its media type, the
# headers it marks required, and (JSON) a body its schema allows (see
# body_problems).
check_reply() {
	local op=$1 doc resp ctype media h problems
	doc=$(op_json ${op% *} "${op#* }")
	resp=$(jq --arg s "$status_code" '.responses[$s]' <<<"$doc")
	if [ "$resp" = null ]; then
		echo "$op answered $status_code, which the document does not list ($(jq -c '.responses | keys' <<<"$doc")): $body" >&2
		return 1
	fi
	ctype=$(header content-type)
	media=${ctype%%;*}
	if [ "$(jq 'has("content")' <<<"$resp")" = true ]; then
		jq -e --arg t "$media" '.content | has($t)' <<<"$resp" >/dev/null || {
			echo "$op $status_code: Content-Type '$ctype' is not documented ($(jq -c '.content | keys' <<<"$resp"))" >&2
			return 1
		}
	fi
	for h in $(jq -r '(.headers // {}) | to_entries[] | select(.value.required) | .key' <<<"$resp"); do
		[ -n "$(header "${h,,}")" ] || {
			echo "$op $status_code: documented header $h is missing" >&2
			return 1
		}
	done
	if [ "$media" = application/json ]; then
		problems=$(body_problems "$(jq -c '.content["application/json"].schema // {}' <<<"$resp")" <<<"$body") || {
			echo "$op $status_code: the body is not JSON: $body" >&2
			return 1
		}
		[ -z "$problems" ] || {
			echo "$op $status_code: the body is not what the document says:" >&2
			echo "$problems" >&2
			echo "body: $body" >&2
			return 1
		}
	fi
}

@test "www/openapi.yaml passes redocly lint without errors" {
	need_redocly
	run "$REDOCLY" lint "$SPEC_YAML"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Your API description is valid"* ]]
}

@test "the document is OpenAPI 3.1 with every endpoint of the API" {
	need_spec
	[[ "$(jq -r .openapi "$SPEC_JSON")" == 3.1.* ]]
	ops=$(operations)
	for op in "POST /events" "GET /inbox" "GET /inbox/{id}" "DELETE /inbox/{id}" \
		"POST /inbox/{id}/ack" "POST /inbox/ack" "GET /inbox/stream" \
		"POST /inbox/lease" "POST /inbox/{id}/extend" "POST /inbox/{id}/release" \
		"POST /inbox/{id}/redrive" \
		"GET /stats" "GET /health" "GET /hooks" "POST /hooks/{source_token}"; do
		grep -qxF "$op" <<<"$ops" || { echo "not documented: $op" >&2; return 1; }
	done
	for s in Event EventList Accepted AckResult BatchAck Deleted Stats Health Error \
		HookSourceList LeaseList LeasedEvent Extended Released Redriven; do
		jq -e --arg s "$s" '.components.schemas | has($s)' "$SPEC_JSON" >/dev/null ||
			{ echo "no components.schemas.$s" >&2; return 1; }
	done
}

@test "every API prefix lighttpd.conf maps to a responder is a documented path" {
	need_spec
	# the keys of fastcgi.server, except the 404 handler
	prefixes=$(sed -n '/^fastcgi\.server[[:space:]]*=/,/^)/p' lighttpd.conf |
		grep -oE '^[[:space:]]*"/[^"]*"[[:space:]]*=>' | grep -oE '/[^"]*' |
		grep -vxF /_zs/notfound)
	echo "prefixes: $prefixes"
	[ "$(wc -l <<<"$prefixes")" -ge 5 ]
	for p in $prefixes; do
		jq -e --arg p "$p" '.paths | keys | any(. == $p or startswith($p + "/"))' \
			"$SPEC_JSON" >/dev/null || { echo "lighttpd maps $p, the document has no such path" >&2; return 1; }
	done
	# and the other way: every documented path reaches a responder
	for path in $(jq -r '.paths | keys[]' "$SPEC_JSON"); do
		ok=
		for p in $prefixes; do
			[[ "$path" == "$p" || "$path" == "$p"/* ]] && ok=1
		done
		[ -n "$ok" ] || { echo "documented $path is not mapped in lighttpd.conf" >&2; return 1; }
	done
}

@test "every documented operation answers a valid request as the document says" {
	need_spec
	while read -r op; do
		echo "# $op" >&2
		call_operation "$op" -H "Authorization: Bearer $KEY_A"
		check_reply "$op"
		[[ "$status_code" == 2?? ]] || { echo "$op: a valid request answered $status_code: $body" >&2; return 1; }
	done < <(operations)
}

@test "lease conflicts, lost leases and bad lease bodies answer as documented" {
	need_spec
	auth=(-H "Authorization: Bearer $KEY_A")
	json=(-H 'Content-Type: application/json')
	read -r id lid < <(leased_event)
	[ -n "$lid" ]
	# while leased, the event is listed as leased, with lease_expires_at
	req GET "/inbox/$id" "${auth[@]}"
	check_reply "GET /inbox/{id}"
	[ "$(jq -r '.status, has("lease_expires_at"), has("dead_at"), has("lease_id")' <<<"$body" | tr '\n' ' ')" = "leased true false false " ]
	# the holder releases it; its lease_id is then no longer held
	req POST "/inbox/$id/release" "${auth[@]}" "${json[@]}" --data-binary "{\"lease_id\":\"$lid\",\"delay\":5}"
	check_reply "POST /inbox/{id}/release"
	[ "$status_code" = 200 ]
	req GET "/inbox/$id" "${auth[@]}"
	[ "$(jq -r '.status, has("lease_expires_at")' <<<"$body" | tr '\n' ' ')" = "pending false " ]
	req POST "/inbox/$id/extend" "${auth[@]}" "${json[@]}" --data-binary "{\"lease_id\":\"$lid\",\"visibility_timeout\":5}"
	expect_error 409 LEASE_NOT_HELD
	check_reply "POST /inbox/{id}/extend"
	req POST "/inbox/$id/release" "${auth[@]}" "${json[@]}" --data-binary "{\"lease_id\":\"$lid\"}"
	expect_error 409 LEASE_NOT_HELD
	check_reply "POST /inbox/{id}/release"
	# an ack with that lease still succeeds, and says the lease was lost
	req POST "/inbox/$id/ack" "${auth[@]}" "${json[@]}" --data-binary "{\"lease_id\":\"$lid\"}"
	check_reply "POST /inbox/{id}/ack"
	[ "$(jq -r '.status, .lease_lost' <<<"$body" | tr '\n' ' ')" = "acknowledged true " ]
	# an ack with the live lease says it was not
	read -r id lid < <(leased_event)
	[ -n "$lid" ]
	req POST "/inbox/$id/ack" "${auth[@]}" "${json[@]}" --data-binary "{\"lease_id\":\"$lid\"}"
	check_reply "POST /inbox/{id}/ack"
	[ "$(jq -r .lease_lost <<<"$body")" = false ]
	# only a dead event can be redriven, and a redrive takes no fields
	req POST "/inbox/$id/redrive" "${auth[@]}" -d ''
	expect_error 409 EVENT_NOT_DEAD
	check_reply "POST /inbox/{id}/redrive"
	req POST "/inbox/$id/redrive" "${auth[@]}" "${json[@]}" -d '{}'
	expect_error 409 EVENT_NOT_DEAD
	req POST "/inbox/$id/redrive" "${auth[@]}" "${json[@]}" -d '{"now":true}'
	expect_error 422 VALIDATION_FAILED
	check_reply "POST /inbox/{id}/redrive"
	# a dead event, as GET shows it, and once redriven
	id=$(dead_event)
	req GET "/inbox/$id" "${auth[@]}"
	check_reply "GET /inbox/{id}"
	[ "$(jq -r '.status, has("dead_at"), has("lease_expires_at"), .delivery_count' <<<"$body" | tr '\n' ' ')" = "dead true false 1 " ]
	req GET "/inbox?status=dead" "${auth[@]}"
	check_reply "GET /inbox"
	jq -e --arg id "$id" 'any(.events[]; .id == $id)' <<<"$body" >/dev/null
	req GET /stats "${auth[@]}"
	check_reply "GET /stats"
	jq -e '.dead >= 1 and .total == .pending + .leased + .acknowledged + .dead' <<<"$body" >/dev/null
	# bodies of the wrong shape
	req POST /inbox/lease "${auth[@]}" "${json[@]}" -d '{"limit":0,"wait":21,"foo":1}'
	expect_error 422 VALIDATION_FAILED
	check_reply "POST /inbox/lease"
	[ "$(jq -r '[.error.details[].field] | join(" ")' <<<"$body")" = "limit wait foo" ]
	req POST /inbox/lease "${auth[@]}" "${json[@]}" -d '{"limit":'
	expect_error 400 INVALID_JSON
	check_reply "POST /inbox/lease"
	req POST "/inbox/$id/extend" "${auth[@]}" "${json[@]}" -d '{"lease_id":"lse_nope","visibility_timeout":5}'
	expect_error 422 VALIDATION_FAILED
	check_reply "POST /inbox/{id}/extend"
	req POST "/inbox/$id/ack" "${auth[@]}" "${json[@]}" -d '{"foo":1}'
	expect_error 422 VALIDATION_FAILED
	check_reply "POST /inbox/{id}/ack"
	req POST /inbox/evt_01M8DDXGQG5QQX6H6YSA1G822M/release "${auth[@]}" "${json[@]}" \
		-d '{"lease_id":"lse_57Z3E2YDJ77RS82C5Y6BJX474Q"}'
	expect_error 404 NOT_FOUND
	check_reply "POST /inbox/{id}/release"
}

@test "the stream answers text/event-stream and opens with retry" {
	stream_req -H "X-API-Key: $KEY_A"
	[ "$status_code" = 200 ]
	[[ "$(header content-type)" == text/event-stream* ]]
	[ "$(header cache-control)" = no-cache ]
	[[ "$body" == "retry: 3000"* ]]
	# ?api_key= (ApiKeyQuery) works here, as documented
	stream_req -G --data-urlencode "api_key=$KEY_A"
	[ "$status_code" = 200 ]
	[[ "$(header content-type)" == text/event-stream* ]]
}

@test "operations that need a key document 401 and answer it without one" {
	need_spec
	while read -r op; do
		doc=$(op_json ${op% *} "${op#* }")
		if [ "$(jq -c '.security' <<<"$doc")" = "[]" ]; then
			call_operation "$op"
			[[ "$status_code" == 2?? ]] || { echo "$op is documented without security but answered $status_code" >&2; return 1; }
			continue
		fi
		jq -e '.responses | has("401")' <<<"$doc" >/dev/null ||
			{ echo "$op needs a key but does not document 401" >&2; return 1; }
		path=${op#* }
		path=${path//\{id\}/evt_01M8DD205T3HYMWAR1Y2R628D9}
		case "$op" in
		"GET /inbox/stream") stream_req ;;
		POST*) req POST "$path" -H 'Content-Type: application/json' -d '{}' ;;
		*) req "${op% *}" "$path" ;;
		esac
		expect_error 401 UNAUTHORIZED
		check_reply "$op"
	done < <(operations)
}

@test "/docs and /docs/ serve the Swagger UI page, with vendored assets only" {
	req GET /docs
	[ "$status_code" = 301 ]
	[[ "$(header location)" == */docs/ ]]
	for p in /docs/ /docs; do
		page=$(curl -sfL "$ZS_URL$p")
		grep -q 'id="swagger-ui"' <<<"$page"
		grep -q 'swagger-ui-bundle.js' <<<"$page"
	done
	req GET /docs/
	[[ "$(header content-type)" == text/html* ]]
	# no CDN: every script and stylesheet comes from this server
	! grep -Eiq '(src|href)="(https?:)?//' <<<"$page"
	# and each one is served (make vendor puts Swagger UI in www/vendor)
	for ref in $(grep -oE '(src|href)="[^"#:]+"' <<<"$page" | sed 's/^[a-z]*="//; s/"$//'); do
		case "$ref" in
		/*) path=$ref ;;
		../*) path=/${ref#../} ;;
		*) path=/docs/$ref ;;
		esac
		code=$(curl -s -o /dev/null -w '%{http_code}' "$ZS_URL$path")
		[ "$code" = 200 ] || { echo "$ref ($path) answered $code; did 'make vendor' run?" >&2; return 1; }
	done
}

@test "/openapi.yaml is served as YAML, byte for byte" {
	req GET /openapi.yaml
	[ "$status_code" = 200 ]
	[[ "$(header content-type)" == application/yaml* ]]
	curl -sf "$ZS_URL/openapi.yaml" | cmp - "$SPEC_YAML"
}
