# API helpers for the bats tests: `req` sends one request and leaves
# $status_code, $headers (lower-cased names) and $body behind.
# shellcheck source=server.bash
source "$(dirname "${BASH_SOURCE[0]}")/server.bash"

KEY_A=key_a
KEY_B=key_b

# req METHOD PATH [curl args...]: the request, with no key unless given.
req() {
	local method=$1 path=$2 out
	shift 2
	out=$(mktemp)
	status_code=$(curl -s -o "$out.body" -D "$out.head" -w '%{http_code}' \
		-X "$method" "$ZS_URL$path" "$@")
	headers=$(tr -d '\r' <"$out.head" | sed 's/^\([^:]*\):/\L\1:/')
	body=$(cat "$out.body")
	rm -f "$out" "$out.body" "$out.head"
}

# req_a / req_b: as req, with tenant A's or B's key.
req_a() { local m=$1 p=$2; shift 2; req "$m" "$p" -H "Authorization: Bearer $KEY_A" "$@"; }
req_b() { local m=$1 p=$2; shift 2; req "$m" "$p" -H "Authorization: Bearer $KEY_B" "$@"; }

# post_event JSON [curl args...]: POST /events as tenant A.
post_event() {
	local json=$1
	shift
	req_a POST /events -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# new_event: posts a small event as tenant A and prints its id.
new_event() {
	local default='{"source":"test","type":"t.created","payload":{"n":1}}'
	post_event "${1:-$default}" >/dev/null
	[ "$status_code" = 201 ] || { echo "post failed: $status_code $body" >&2; return 1; }
	jq -r .id <<<"$body"
}

# header NAME: the value of a reply header (name in lower case).
header() {
	sed -n "s/^$1: *//p" <<<"$headers" | head -n 1
}

# expect_error STATUS CODE: the reply is that error, in the SPEC shape.
expect_error() {
	[ "$status_code" = "$1" ] || { echo "status $status_code, want $1: $body" >&2; return 1; }
	[ "$(jq -r .error.code <<<"$body")" = "$2" ] || { echo "code: $body" >&2; return 1; }
	jq -e '.error.message | length > 0' <<<"$body" >/dev/null
	[ "$(jq -r .error.request_id <<<"$body")" = "$(header x-request-id)" ]
	jq -e '.error.details | type == "array"' <<<"$body" >/dev/null
}
