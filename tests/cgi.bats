#!/usr/bin/env bats
# The responders without a web server: run as plain CGI programs (request
# in the environment, body on stdin), and their start-up configuration
# checks.

load helpers/stream

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
		DB_BUSY_TIMEOUT_MS=0 WEBHOOK_TOLERANCE_SECONDS=0 WEBHOOK_RATE_LIMIT_PER_MINUTE=x; do
		check "$v"
		[ "$status" = 1 ]
		[[ "$output" == "zapstream: configuration error: ${v%%=*} must be"* ]]
	done
}

@test "malformed WEBHOOK_SOURCES stops start-up with a message naming it, never the secret" {
	for v in 'gh' 'gh:tenant_a' 'gh:tenant_a:github' 'gh:tenant_a:gitlab:s3cret_v' \
		'g h:tenant_a:github:s3cret_v' 'gh:tenant_a:none:s3cret_v' \
		'gh:tenant_a:standard:s3cret_v' 'gh:tenant_a:github:s3cret_v:t:x' \
		'gh:tenant_a:github:s3cret_v;gh:tenant_a:shopify:s3cret_v'; do
		check WEBHOOK_SOURCES="$v"
		[ "$status" = 1 ]
		[[ "$output" == "zapstream: configuration error: WEBHOOK_SOURCES entry "[12]* ]]
		[[ "$output" != *s3cret* ]]
		[ "$(wc -l <<<"$output")" = 1 ]
	done
	check WEBHOOK_SOURCES='gh:nobody:github:s3cret_v'
	[ "$status" = 1 ]
	[ "$output" = "zapstream: configuration error: WEBHOOK_SOURCES: source gh is for tenant nobody, which has no key in API_KEYS" ]
	check WEBHOOK_SOURCES='gh:tenant_a:none' WEBHOOK_SOURCES_FILE=/etc/hostname
	[[ "$output" == *"WEBHOOK_SOURCES and WEBHOOK_SOURCES_FILE are both set"* ]]
	check WEBHOOK_SOURCES_FILE=/nonexistent/sources
	[ "$output" = "zapstream: configuration error: WEBHOOK_SOURCES_FILE: cannot read /nonexistent/sources: No such file or directory" ]
	printf '# sources\n\ngh:tenant_a:github:s3cret_v\nbad:tenant_a\n' >"$CGI_DB_DIR/src"
	check WEBHOOK_SOURCES_FILE="$CGI_DB_DIR/src"
	[ "$output" = "zapstream: configuration error: WEBHOOK_SOURCES_FILE line 4 is not of the form name:tenant:scheme:secret[:topic]" ]
	check WEBHOOK_SOURCES='gh:tenant_a:github:s3cret_v:eng;std:tenant_a:standard:whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw;o:tenant_a:none'
	[ "$status" = 0 ]
}

@test "zs-admin hook-add writes WEBHOOK_SOURCES_FILE, prints the URL, and zs-hooks accepts a signed delivery in CGI mode" {
	export WEBHOOK_SOURCES_FILE=$CGI_DB_DIR/hooks.conf
	rm -f "$WEBHOOK_SOURCES_FILE"
	run "$ZS_BIN/zs-admin" hook-add gh tenant_a github eng <<<"s3cret value"
	[ "$status" = 0 ]
	[[ "$output" != *s3cret* ]]
	url=$(grep -o 'http://127.0.0.1:8000/hooks/[A-Za-z0-9_-]*' <<<"$output")
	tok=${url##*/}
	[ ${#tok} = 32 ]
	# the address make hooks prints (PUBLIC_URL=http://$(BIND):$(PORT))
	run env PUBLIC_URL=http://127.0.0.1:8000 "$ZS_BIN/zs-admin" hooks
	[ "$(awk '$1 == "gh" {print $NF}' <<<"$output")" = "$url" ]
	[ "$(cat "$WEBHOOK_SOURCES_FILE")" = "gh:tenant_a:github:s3cret value:eng" ]
	[ "$(stat -c %a "$WEBHOOK_SOURCES_FILE")" = 600 ]
	# a second source, and refusals
	run "$ZS_BIN/zs-admin" hook-add open tenant_a none
	[ "$status" = 0 ]
	run "$ZS_BIN/zs-admin" hook-add gh tenant_a shopify <<<"other"
	[ "$status" = 1 ]
	[[ "$output" == *"already has a source named gh"* ]]
	run "$ZS_BIN/zs-admin" hook-add x nobody github <<<"s3cret"
	[[ "$output" == *"tenant nobody has no key"* ]]
	run "$ZS_BIN/zs-admin" hook-add x tenant_a github <<<"a:b"
	[ "$status" = 1 ]
	[ "$(wc -l <"$WEBHOOK_SOURCES_FILE")" = 2 ]
	run "$ZS_BIN/zs-admin" hooks
	[ "$(grep -c "/hooks/$tok\$" <<<"$output")" = 1 ]

	body='{"action":"opened"}'
	sig=sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "s3cret value" | sed 's/^.*= //')
	hooks_cgi() {
		printf '%s' "$body" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
			API_KEYS="$API_KEYS" WEBHOOK_SOURCES_FILE="$WEBHOOK_SOURCES_FILE" \
			GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST REQUEST_URI="/hooks/$tok" \
			QUERY_STRING= CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
			HTTP_X_GITHUB_EVENT=pull_request HTTP_X_GITHUB_DELIVERY=cgi-1 \
			HTTP_X_HUB_SIGNATURE_256="$1" "$@" | tr -d '\r'
	}
	output=$(hooks_cgi "$sig" "$ZS_BIN/zs-hooks")
	[[ "$output" == "Status: 201 Created"* ]]
	id=$(tail -n 1 <<<"$output" | jq -r .id)
	[ "$(sqlite3 "$DATABASE_PATH" "SELECT source || ' ' || type || ' ' || topic FROM events WHERE id = '$id'")" = "gh pull_request.opened eng" ]
	output=$(hooks_cgi sha256=00 "$ZS_BIN/zs-hooks")
	[[ "$output" == "Status: 401 Unauthorized"* ]]
	# and without leaks or bad memory
	# (the access log to a file: run mixes stderr into the reply)
	run hooks_cgi "$sig" ACCESS_LOG="$BATS_TEST_TMPDIR/access.log" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$ZS_BIN/zs-hooks"
	[ "$status" = 0 ]
	[[ "$output" == "Status: 200 OK"* ]]
}

@test "a bad DURABILITY or DATABASE_URL stops start-up naming it" {
	check DURABILITY=sometimes
	[ "$status" = 1 ]
	[[ "$output" == *"DURABILITY must be full or normal"* ]]
	check DATABASE_PATH= DATABASE_URL=mysql://x/y
	[ "$status" = 1 ]
	[[ "$output" == *"DATABASE_URL must look like sqlite:///"* ]]
	check DATABASE_PATH= DATABASE_URL=postgres://x/y
	[ "$status" = 1 ]
	[[ "$output" == *"DATABASE_URL names a PostgreSQL server: set STORAGE_BACKEND=postgres too" ]]
}

@test "a bad STORAGE_BACKEND, or a postgres DATABASE_URL that is neither URL nor key=value, stops start-up naming it" {
	check STORAGE_BACKEND=oracle
	[ "$status" = 1 ]
	[ "$output" = "zapstream: configuration error: STORAGE_BACKEND must be sqlite or postgres" ]
	check STORAGE_BACKEND=postgres DATABASE_URL=sqlite:///tmp/x.db
	[ "$status" = 1 ]
	[[ "$output" == "zapstream: configuration error: DATABASE_URL must look like postgres://user:password@host:port/database"* ]]
	# libpq's key=value form and the PG* variables are accepted; the
	# password never shows (check then reports the connection itself)
	check STORAGE_BACKEND=postgres DATABASE_URL="host=127.0.0.1 port=1 password=s3cret"
	[ "$status" = 1 ]
	[[ "$output" == *"cannot connect to database "*" on 127.0.0.1 port 1 (DATABASE_URL)"* ]]
	[[ "$output" != *s3cret* ]]
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
	# a copy nobody can run: ZS_BIN may sit in a 0700 directory (a clone
	# in root's home)
	cp "$ZS_BIN/zs-admin" "$CGI_DB_DIR/zs-admin" && chmod 755 "$CGI_DB_DIR/zs-admin"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env DATABASE_PATH="$CGI_DB_DIR/ro/events.db" "$CGI_DB_DIR/zs-admin" check
	[ "$status" = 1 ]
	[[ "$output" == *"DATABASE_PATH: the directory $CGI_DB_DIR/ro is not writable" ]]
}

@test "a responder started with a bad configuration exits with the message" {
	run env API_KEYS=broken "$ZS_BIN/zs-events" </dev/null
	[ "$status" = 1 ]
	[[ "$output" == *"configuration error: API_KEYS entry 1 is not of the form key=tenant"* ]]
}

# keyless VAR=VALUE... PROGRAM METHOD URI: one CGI request with the key
# dev_key_123, API_KEYS unset and the given settings; sets $output (the
# reply) and $KEYLESS_LOG (what the program logged).
keyless() {
	local -a vars=()
	while [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
	KEYLESS_LOG=$BATS_TEST_TMPDIR/keyless.log
	output=$(env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" "${vars[@]}" \
		GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$2" REQUEST_URI="$3" \
		QUERY_STRING= CONTENT_LENGTH=0 HTTP_X_API_KEY=dev_key_123 \
		"$ZS_BIN/$1" </dev/null 2>"$KEYLESS_LOG" | tr -d '\r')
}

@test "without API_KEYS every program refuses with 503 and logs why" {
	for prog in "zs-inbox GET /inbox" "zs-stats GET /stats" \
		"zs-lease POST /inbox/lease" "zs-events POST /events"; do
		# shellcheck disable=SC2086
		keyless $prog
		[[ "$output" == "Status: 503 Service Unavailable"* ]] || { echo "$prog: $output"; false; }
		[ "$(tail -n 1 <<<"$output" | jq -r .error.code)" = UNAVAILABLE ]
		[ "$(tail -n 1 <<<"$output" | jq -r .error.message)" = "this server has no API keys configured; its operator must set API_KEYS" ]
		grep -q "no API keys are configured: every request that needs one is refused with 503" "$KEYLESS_LOG"
	done
	keyless API_KEYS= zs-inbox GET /inbox
	[[ "$output" == "Status: 503 Service Unavailable"* ]]
	keyless zs-health GET /health
	[[ "$output" == "Status: 503 Service Unavailable"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -c '[.status, .database, .api_keys]')" = '["degraded","ok","none"]' ]
}

@test "DEV_MODE=1 without API_KEYS accepts the development key, and only then" {
	keyless DEV_MODE=1 zs-inbox GET /inbox
	[[ "$output" == "Status: 200 OK"* ]]
	keyless DEV_MODE=1 zs-health GET /health
	[[ "$output" == "Status: 200 OK"* ]]
	keyless DEV_MODE=0 zs-inbox GET /inbox
	[[ "$output" == "Status: 503 Service Unavailable"* ]]
	# Keys given: the development key is just an unknown key.
	keyless DEV_MODE=1 API_KEYS=key_a=tenant_a zs-inbox GET /inbox
	[[ "$output" == "Status: 401 Unauthorized"* ]]
	check DEV_MODE=yes API_KEYS=key_a=tenant_a
	[ "$status" = 1 ]
	[ "$output" = "zapstream: configuration error: DEV_MODE must be 0 or 1" ]
}

@test "zs-admin label names the database for make dev's banner, never a password" {
	run "$ZS_BIN/zs-admin" label
	[ "$status" = 0 ]
	[ "$output" = "$DATABASE_PATH" ]
	run env DATABASE_PATH= STORAGE_BACKEND=postgres \
		DATABASE_URL=postgres://zs:s3cret@db.example.com:5432/inbox "$ZS_BIN/zs-admin" label
	[ "$status" = 0 ]
	[ "$output" = "postgres://zs@db.example.com:5432/inbox" ]
}

@test "zs-admin check exits 2 on no keys, the development key or the sample key" {
	check API_KEYS=
	[ "$status" = 2 ]
	[ "$output" = "zapstream: API_KEYS is not set: every request would be refused; set it (docs/configuration.md)" ]
	for keys in dev_key_123=tenant_dev key_a=t,dev_key_123=u \
		change_me_to_a_long_random_key=tenant_main \
		"sha256:$(printf %s dev_key_123 | sha256sum | cut -d' ' -f1)=t"; do
		check API_KEYS="$keys"
		[ "$status" = 2 ] || { echo "$keys: $status $output"; false; }
		[[ "$output" == "zapstream: API_KEYS holds the publicly known key "*": replace it with a long random key (docs/configuration.md)" ]]
	done
	# A key that merely starts like the development key is fine.
	check API_KEYS=dev_key_1234=t
	[ "$status" = 0 ]
	check DEV_MODE=1 API_KEYS=
	[ "$status" = 0 ]
	[ "$output" = "development mode (DEV_MODE=1): never on a host others can reach" ]
}

@test "a responder with a publicly known key says so in its log, without the key" {
	for keys in dev_key_123=tenant_dev change_me_to_a_long_random_key=t; do
		keyless API_KEYS="$keys" zs-inbox GET /inbox
		grep -q "API_KEYS holds a publicly known key (the development key or the old samples' key): anyone can use it" "$KEYLESS_LOG"
		! grep -qE 'dev_key_123|change_me_to' "$KEYLESS_LOG"
	done
}

@test "the shipped samples hold no usable API key" {
	root=$BATS_TEST_DIRNAME/..
	# systemd: an empty API_KEYS line, so the service refuses until set
	[ "$(grep '^API_KEYS' "$root/deploy/systemd/zapstream.env")" = "API_KEYS=" ]
	# .env.example and the CGI .htaccess: the line is commented out
	! grep -q '^[[:space:]]*API_KEYS' "$root/.env.example"
	! grep -qi '^[[:space:]]*SetEnv[[:space:]]\+API_KEYS' "$root/deploy/cgi/htaccess"
	! grep -rq 'change_me_to_a_long_random_key' "$root/deploy" "$root/.env.example"
}

@test "the migration runner is idempotent and reports the version" {
	newest=$(ls "$BATS_TEST_DIRNAME/../sql/migrations" | sort | tail -n 1)
	newest=$((10#${newest%%_*}))
	run "$ZS_BIN/zs-admin" migrate "$BATS_TEST_DIRNAME/../sql"
	[ "$status" = 0 ]
	[[ "$output" == *"schema version $newest"* ]]
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA user_version')" = "$newest" ]
}

@test "the responders leak nothing and touch no bad memory under valgrind" {
	vg() {
		printf '%s' "${4:-}" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
			API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$2" \
			REQUEST_URI="$3" QUERY_STRING="${5:-}" CONTENT_TYPE=application/json \
			CONTENT_LENGTH=${#4} HTTP_X_API_KEY=key_a HTTP_IDEMPOTENCY_KEY=${VG_IDEM:-vg-1} \
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
	# leases: take one, extend, release, lease again (a long poll that
	# finds it at once, then one that waits a second on its own hub
	# threads), acknowledge with the lease; redrive of a live event
	VG_IDEM=vg-lease run vg zs-events POST /events '{"topic":"vg-lease","payload":{}}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	id=$(sqlite3 "$DATABASE_PATH" "SELECT id FROM events WHERE topic = 'vg-lease'")
	run vg zs-lease POST /inbox/lease '{"topic":"vg-lease","limit":5}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	lid=$(sqlite3 "$DATABASE_PATH" "SELECT lease_id FROM events WHERE id = '$id'")
	[[ "$lid" == lse_* ]]
	run vg zs-inbox POST "/inbox/$id/extend" "{\"lease_id\":\"$lid\",\"visibility_timeout\":60}"
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-inbox POST "/inbox/$id/release" "{\"lease_id\":\"$lid\"}"
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-lease POST /inbox/lease '{"topic":"vg-lease","wait":2}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-lease POST /inbox/lease '{"topic":"vg-lease","wait":1}'
	[ "$status" = 0 ] || { echo "$output"; false; }
	lid=$(sqlite3 "$DATABASE_PATH" "SELECT lease_id FROM events WHERE id = '$id'")
	run vg zs-inbox POST "/inbox/$id/redrive" ''
	[ "$status" = 0 ] || { echo "$output"; false; }
	run vg zs-inbox POST "/inbox/$id/ack" "{\"lease_id\":\"$lid\"}"
	[ "$status" = 0 ] || { echo "$output"; false; }
	[ "$(sqlite3 "$DATABASE_PATH" "SELECT delivery_count, acked_at IS NOT NULL FROM events WHERE id = '$id'")" = "2|1" ]
	run vg zs-stats GET /stats
	[ "$status" = 0 ] || { echo "$output"; false; }
}

@test "an API key given as sha256:<hex> matches the key itself, never the hex" {
	h=$(printf 'secret-one' | sha256sum | cut -d' ' -f1)
	hk() {
		env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
			API_KEYS="sha256:$h=tenant_h,plain=tenant_p" REQUEST_METHOD=GET \
			REQUEST_URI=/inbox HTTP_X_API_KEY="$1" "$ZS_BIN/zs-inbox" | head -n 1 | tr -d '\r'
	}
	[ "$(hk secret-one)" = "Status: 200 OK" ]
	[ "$(hk "sha256:$h")" = "Status: 401 Unauthorized" ]
	[ "$(hk "$h")" = "Status: 401 Unauthorized" ]
	[ "$(hk secret-on)" = "Status: 401 Unauthorized" ]
	[ "$(hk plain)" = "Status: 200 OK" ]
	check API_KEYS="sha256:${h%?}=t"
	[ "$status" = 1 ]
	[[ "$output" == *"API_KEYS entry 1: sha256: must be followed by 64 hex digits" ]]
	check API_KEYS="sha256:${h%?}g=t"
	[ "$status" = 1 ]
}

@test "zs-stats and zs-notfound answer in CGI mode" {
	cgi zs-stats GET /stats
	[[ "$output" == "Status: 200 OK"* ]]
	tail -n 1 <<<"$output" | jq -e '.total >= 1' >/dev/null
	cgi zs-notfound GET /nope
	[[ "$output" == "Status: 404 Not Found"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -r .error.code)" = NOT_FOUND ]
}

@test "zs-lease answers in CGI mode" {
	[ -x "$ZS_BIN/zs-lease" ] || skip "zs-lease is not built"
	cgi zs-lease POST /inbox/lease '{"payload":'
	[[ "$output" == "Status: 400 Bad Request"* ]]
	[ "$(tail -n 1 <<<"$output" | jq -r .error.code)" = INVALID_JSON ]
}

@test "zs-stream in CGI mode streams for STREAM_CGI_SECONDS, then ends with its Last-Event-ID" {
	cgi zs-events POST /events '{"topic":"cgistream","payload":{}}'
	seq=$(sqlite3 "$DATABASE_PATH" 'SELECT max(seq) FROM changes')
	start=$SECONDS
	output=$(env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" API_KEYS="$API_KEYS" \
		STREAM_CGI_SECONDS=1 GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
		REQUEST_URI='/inbox/stream?last_event_id=0' QUERY_STRING=last_event_id=0 \
		HTTP_X_API_KEY=key_a timeout 10 "$ZS_BIN/zs-stream" | tr -d '\r')
	[ $((SECONDS - start)) -le 3 ]
	[[ "$output" == "Status: 200 OK"* ]]
	grep -q '"topic":"cgistream"' <<<"$output"
	# the last frame: only an id, the newest change this stream considered
	# (sealed with the tenant's key, as every id)
	id=$(ZS_SECRET=$(sqlite3 "$DATABASE_PATH" 'SELECT secret FROM install_secret') \
		sealed_id tenant_a "$seq")
	[ "$(sed '/^$/d' <<<"$output" | tail -n 1)" = "id: $id" ]
}

@test "a bad STREAM_CGI_SECONDS stops zs-stream in CGI mode naming it" {
	run env STREAM_CGI_SECONDS=0 REQUEST_METHOD=GET REQUEST_URI=/inbox/stream \
		GATEWAY_INTERFACE=CGI/1.1 "$ZS_BIN/zs-stream" </dev/null
	[ "$status" = 1 ]
	[ "$output" = "zs-stream: configuration error: STREAM_CGI_SECONDS must be a whole number from 1 to 3600" ]
}

@test "a chunked body (no CONTENT_LENGTH, as Apache passes one) is read whole in CGI mode" {
	body='{"topic":"chunked","payload":{"c":1}}'
	output=$(printf '%s' "$body" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
		API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
		REQUEST_URI=/events CONTENT_TYPE=application/json HTTP_TRANSFER_ENCODING=chunked \
		HTTP_X_API_KEY=key_a "$ZS_BIN/zs-events" | tr -d '\r')
	[[ "$output" == "Status: 201 Created"* ]]
}

@test "as nph-*, a responder writes its own status line and closes the connection" {
	body='{"payload":{}}'
	output=$(printf '%s' "$body" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
		API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
		REQUEST_URI=/events CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
		SERVER_PROTOCOL=HTTP/1.1 SCRIPT_FILENAME=/srv/cgi-bin/nph-zs-events \
		HTTP_X_API_KEY=key_a HTTP_IDEMPOTENCY_KEY=nph-1 "$ZS_BIN/zs-events" | tr -d '\r')
	[ "$(head -n 2 <<<"$output")" = $'HTTP/1.1 201 Created\nConnection: close' ]
}

@test "a reply that needs no body still takes all of it, so Apache gets to send it" {
	# 200 kB is more than a pipe holds: printf dies of SIGPIPE if the
	# responder exits without reading the body
	body=$(head -c 200000 /dev/zero | tr '\0' 'a')
	printf '%s' "$body" | env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" \
		API_KEYS="$API_KEYS" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
		REQUEST_URI=/events CONTENT_TYPE=text/plain CONTENT_LENGTH=${#body} \
		HTTP_X_API_KEY=key_a "$ZS_BIN/zs-events" >"$CGI_DB_DIR/out"
	[ "${PIPESTATUS[0]}" = 0 ]
	[[ "$(head -n 1 "$CGI_DB_DIR/out")" == "Status: 415"* ]]
}
