#!/usr/bin/env bats
# The responders without a web server: run as plain CGI programs (request
# in the environment, body on stdin), and their start-up configuration
# checks.

setup_file() {
	export ZS_BIN=${ZS_BIN:-$BATS_TEST_DIRNAME/../build/bin}
	export CGI_DB_DIR=$(mktemp -d /tmp/zs-cgi.XXXXXX)
	export DATABASE_PATH=$CGI_DB_DIR/events.db
	export API_KEYS=key_a=tenant_a
	"$ZS_BIN/zs-admin" migrate "$BATS_TEST_DIRNAME/../sql" >/dev/null
}

teardown_file() {
	rm -rf "$CGI_DB_DIR"
}

# cgi PROGRAM METHOD URI [BODY]: runs one CGI request; sets $output.
cgi() {
	local prog=$1 method=$2 uri=$3 body=${4:-} query=
	[[ "$uri" == *\?* ]] && query=${uri#*\?}
	output=$(printf '%s' "$body" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
		API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$method" \
		REQUEST_URI="$uri" QUERY_STRING="$query" CONTENT_TYPE=application/json \
		CONTENT_LENGTH=${#body} HTTP_X_API_KEY=key_a "$ZS_BIN/$prog" | tr -d '\r')
}

@test "zs-events answers a CGI request with 201 and stores the event" {
	cgi zs-events POST /events '{"topic":"cgi","payload":{"via":"cgi"}}'
	[[ "$output" == "Status: 201 Created"* ]]
	[[ "$output" == *"X-Request-Id: req_"* ]]
	id=$(tail -n 1 <<<"$output" | jq -r .id)
	[ "$(sqlite3 "$DATABASE_PATH" "SELECT payload FROM events WHERE id = '$id'")" = '{"via":"cgi"}' ]
}

@test "zs-inbox lists, acknowledges and deletes in CGI mode" {
	cgi zs-events POST /events '{"topic":"cgi2","payload":{}}'
	id=$(tail -n 1 <<<"$output" | jq -r .id)
	cgi zs-inbox GET '/inbox?topic=cgi2'
	[[ "$output" == "Status: 200 OK"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -r '.events[0].id')" = "$id" ]
	cgi zs-inbox POST "/inbox/$id/ack"
	[ "$(tail -n 1 <<<"$output" | jq -r .status)" = acknowledged ]
	cgi zs-inbox DELETE "/inbox/$id"
	[ "$(tail -n 1 <<<"$output" | jq -r .status)" = deleted ]
}

@test "a CGI request with a bad body gets the JSON error" {
	cgi zs-events POST /events '{"payload":'
	[[ "$output" == "Status: 400 Bad Request"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -r .error.code)" = INVALID_JSON ]
}

@test "zs-health answers in CGI mode" {
	cgi zs-health GET /health
	[[ "$output" == "Status: 200 OK"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -r .database)" = ok ]
}

# check VAR=VALUE...: runs zs-admin check with those settings.
check() {
	run env "$@" "$ZS_BIN/zs-admin" check
}

@test "a good configuration passes the start-up check" {
	check API_KEYS='a=t1,b=t1,c=t2' RATE_LIMIT_PER_MINUTE=0 DURABILITY=normal
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "malformed API_KEYS stops start-up with a message naming it, not the key" {
	for v in 'nokey' 'a=' '=t' 'a=t,,b=t' 'a=t,a=u' 'a b=t' 'a=t!'; do
		check API_KEYS="$v"
		[ "$status" = 1 ]
		[[ "$output" == "zapstream: configuration error: API_KEYS"* ]]
	done
	check API_KEYS='supersecret'
	[[ "$output" != *supersecret* ]]
}

@test "non-numeric or out-of-range limits stop start-up naming the variable" {
	for v in RATE_LIMIT_PER_MINUTE=abc RATE_LIMIT_PER_MINUTE=-1 MAX_PAYLOAD_BYTES=1e6 \
		MAX_PAYLOAD_BYTES=0 IDEMPOTENCY_TTL_HOURS=0 PORT=70000 PORT=x RETENTION_DAYS=7d \
		DB_BUSY_TIMEOUT_MS=0; do
		check "$v"
		[ "$status" = 1 ]
		[[ "$output" == "zapstream: configuration error: ${v%%=*} must be"* ]]
	done
}

@test "a bad DURABILITY or DATABASE_URL stops start-up naming it" {
	check DURABILITY=sometimes
	[ "$status" = 1 ]
	[[ "$output" == *"DURABILITY must be full or normal"* ]]
	check DATABASE_PATH= DATABASE_URL=postgres://x/y
	[ "$status" = 1 ]
	[[ "$output" == *"DATABASE_URL must look like sqlite:///"* ]]
}

@test "DATABASE_URL=sqlite:///path is accepted as in the seed" {
	run env DATABASE_PATH= DATABASE_URL="sqlite:///$CGI_DB_DIR/url.db" \
		"$ZS_BIN/zs-admin" migrate "$BATS_TEST_DIRNAME/../sql"
	[ "$status" = 0 ]
	[ -f "$CGI_DB_DIR/url.db" ]
}

@test "a missing database directory stops start-up naming DATABASE_PATH" {
	check DATABASE_PATH=/nonexistent/dir/events.db
	[ "$status" = 1 ]
	[ "$output" = "zapstream: configuration error: DATABASE_PATH: the directory /nonexistent/dir does not exist" ]
}

@test "an unwritable database directory stops start-up naming DATABASE_PATH" {
	mkdir -p "$CGI_DB_DIR/ro" && chmod 755 "$CGI_DB_DIR" "$CGI_DB_DIR/ro"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env DATABASE_PATH="$CGI_DB_DIR/ro/events.db" "$ZS_BIN/zs-admin" check
	[ "$status" = 1 ]
	[[ "$output" == *"DATABASE_PATH: the directory $CGI_DB_DIR/ro is not writable" ]]
}

@test "a responder started with a bad configuration exits with the message" {
	run env API_KEYS=broken "$ZS_BIN/zs-events" </dev/null
	[ "$status" = 1 ]
	[[ "$output" == *"configuration error: API_KEYS entry 1 is not of the form key=tenant"* ]]
}

@test "the migration runner is idempotent and reports the version" {
	run "$ZS_BIN/zs-admin" migrate "$BATS_TEST_DIRNAME/../sql"
	[ "$status" = 0 ]
	[[ "$output" == *"schema version 1"* ]]
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA user_version')" = 1 ]
}

@test "the responders leak nothing and touch no bad memory under valgrind" {
	vg() {
		printf '%s' "${4:-}" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
			API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$2" \
			REQUEST_URI="$3" QUERY_STRING="${5:-}" CONTENT_TYPE=application/json \
			CONTENT_LENGTH=${#4} HTTP_X_API_KEY=key_a HTTP_IDEMPOTENCY_KEY=vg-1 \
			valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 "$ZS_BIN/$1" 2>&1 >/dev/null
	}
	run vg zs-events POST /events '{"topic":"vg","payload":{"a":[1,2,{"b":null}]}}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	id=$(sqlite3 "$DATABASE_PATH" "SELECT id FROM events WHERE topic = 'vg'")
	for r in "zs-events POST /events {\"payload\":" "zs-inbox GET /inbox" \
		"zs-inbox GET /inbox/$id" "zs-inbox POST /inbox/$id/ack" \
		"zs-inbox DELETE /inbox/$id" "zs-health GET /health"; do
		run vg $r
		[ "$status" = 0 ] || { echo "$r: $output"; false; }
	done
	run vg zs-inbox POST /inbox/ack "{\"ids\":[\"$id\",\"x\"]}"
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-inbox GET /inbox '' 'topic=vg&status=all&limit=1'
	[ "$status" = 0 ] || { echo "$output"; false; }
}
