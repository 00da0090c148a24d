#!/usr/bin/env bats
# Every way the README gives to start ZapStream works on a fresh clone, as
# a newcomer types it: make dev; make quickstart, then make dev; make
# env-setup && make db-init, then make dev-cgi; make dev-apache; on
# PostgreSQL, make db-init then make dev (docs/postgres.md). Each in a
# git clone of this tree of its own, started in a process group of its
# own (as a supervisor or a terminal would), answering /health and one
# POST with the development key, then stopped by a TERM to the group,
# after which nothing of it may be left running. The clones get the
# objects of ZS_BIN's build, newer than their sources, and the vendored
# web files, so nothing is compiled or fetched again. Needs root (make
# dev-cgi and dev-apache, the throwaway PostgreSQL server) and the
# packages make test installs.

setup_file() {
	export ZS_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	export ZS_BIN=${ZS_BIN:-$ZS_ROOT/build/bin}
	# a login shell's PATH: without the directory bats puts first, whose
	# own "bats" is not the command
	export FRESH_PATH=$(tr : '\n' <<<"$PATH" | grep -v bats-core | paste -sd :)
}

teardown() {
	[ -z "${PG:-}" ] || kill -KILL -- "-$PG" 2>/dev/null || :
	[ -z "${CLONE:-}" ] || rm -rf "$(dirname "$CLONE")"
}

teardown_file() {
	# the PostgreSQL server of the PostgreSQL test, if it ran
	source "$BATS_TEST_DIRNAME/helpers/server.bash"
	zs_pg_stop
}

# fresh_clone: clones the tree into a new directory under /tmp (0755, as
# Apache's user must reach its files and sockets) and sets CLONE.
fresh_clone() {
	local dir o
	o=$(dirname "$ZS_BIN")
	dir=$(mktemp -d /tmp/zs-fresh.XXXXXX)
	chmod 755 "$dir"
	CLONE=$dir/zs
	git clone -q "$ZS_ROOT" "$CLONE"
	mkdir -p "$CLONE/build"
	cp -R "$o/obj" "$o/libzs.a" "$o/bin" "$CLONE/build/"
	# objects, then the library, then the programs: each newer than what
	# it is made from
	find "$CLONE/build/obj" -exec touch {} +
	touch "$CLONE/build/libzs.a"
	find "$CLONE/build/bin" -exec touch {} +
	if [ -f "$ZS_ROOT/www/vendor/.stamp" ]; then
		cp -R "$ZS_ROOT/www/vendor" "$CLONE/www/"
		touch "$CLONE/www/vendor/.stamp"
	fi
}

# The settings a test gives the user's environment, VAR=value each.
FRESH_ENV=()

# fresh_make ARGS...: make ARGS in CLONE as from a new login shell (no
# settings in the environment but FRESH_ENV, no make jobserver), up to
# 120 s; its output in $output, its status in $status.
fresh_make() {
	run timeout 120 env -i PATH="$FRESH_PATH" HOME="$HOME" "${FRESH_ENV[@]}" make -C "$CLONE" \
		--no-print-directory "$@"
	echo "$output"
}

# start TARGET: make TARGET in CLONE, in a process group of its own (PG),
# on a free port (URL); waits up to 60 s for /health to answer 200. A
# port another program took is tried again with another, three times.
start() {
	local try
	for try in 1 2 3; do
		start_once "$1" && return 0
		grep -q 'Address already in use' "$LOG" || break
		PG=
	done
	echo "make $1: /health did not answer 200 within 60 s"
	cat "$LOG"
	return 1
}

start_once() {
	local i
	PORT=$((20000 + RANDOM % 40000))
	URL=http://127.0.0.1:$PORT
	LOG=$CLONE/make.log
	(
		# only stdin, stdout and stderr: bats waits for whoever
		# holds its own descriptors
		for fd in "/proc/$BASHPID/fd/"*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && { eval "exec $fd>&-"; } 2>/dev/null
		done
		cd "$CLONE" && exec setsid env -i PATH="$FRESH_PATH" HOME="$HOME" "${FRESH_ENV[@]}" \
			make --no-print-directory "$1" PORT="$PORT"
	) </dev/null >"$LOG" 2>&1 &
	PG=$!
	for i in $(seq 1 600); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health")" = 200 ] && return 0
		kill -0 "$PG" 2>/dev/null || { wait "$PG"; return 1; }
		sleep 0.1
	done
	return 1
}

# post_one: POST /events with the development key answers 201.
post_one() {
	local code
	code=$(curl -s -o "$CLONE/post.json" -w '%{http_code}' -X POST "$URL/events" \
		-H "Authorization: Bearer dev_key_123" \
		-H "Content-Type: application/json" -d '{"payload":{"fresh":1}}')
	cat "$CLONE/post.json"
	[ "$code" = 201 ]
}

# group_left: what of the process group PG still runs (not zombies).
group_left() {
	ps -o pid=,stat=,args= -g "$PG" | awk '$2 !~ /^Z/'
}

# stop: a TERM to the group; everything in it gone within 15 s.
stop() {
	local i left
	kill -TERM -- "-$PG"
	for i in $(seq 1 150); do
		[ -z "$(group_left)" ] && break
		sleep 0.1
	done
	left=$(group_left)
	kill -KILL -- "-$PG" 2>/dev/null || :
	wait "$PG" 2>/dev/null || :
	PG=
	[ -z "$left" ] || { echo "still running 15 s after the TERM:"; echo "$left"; return 1; }
}

@test "make dev on a fresh clone serves the dashboard and the API with the development key" {
	fresh_clone
	start dev
	grep -qxF "ZapStream on http://127.0.0.1:$PORT/ with database $CLONE/data/events.db (Ctrl-C stops it)" "$LOG"
	post_one
	# the development rate limit
	[ "$(curl -s -D - -o /dev/null "$URL/inbox" -H 'X-API-Key: dev_key_123' |
		tr -d '\r' | sed -n 's/^RateLimit-Policy: //ip')" = '"default";q=6000;w=60' ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 200 ]
	! grep -E '^(cc|npm) ' "$LOG"	# nothing compiled or fetched again
	stop
}

@test "make quickstart on a fresh clone, then make dev" {
	fresh_clone
	# (without it quickstart would run the whole suite, this file too)
	grep -q '^QUICKSTART_TESTS ?= ' "$CLONE/Makefile"
	fresh_make quickstart QUICKSTART_TESTS=test-unit
	[ "$status" = 0 ]
	[ -f "$CLONE/.env" ]
	[ -f "$CLONE/data/events.db" ]
	[[ "$output" == *"Ready: run 'make dev' and open http://127.0.0.1:8000/"* ]]
	start dev
	post_one
	stop
}

@test "make env-setup && make db-init on a fresh clone warns of the missing keys, then make dev-cgi serves" {
	fresh_clone
	fresh_make env-setup
	[ "$status" = 0 ]
	fresh_make db-init
	[ "$status" = 0 ]
	[[ "$output" == *"warning: the database is made, but the server will refuse every request until API_KEYS is set"* ]]
	[ -f "$CLONE/data/events.db" ]
	start dev-cgi
	post_one
	stop
}

@test "make dev-apache from a clone in a directory Apache's user cannot enter stops at once, saying so" {
	fresh_clone
	chmod 700 "$(dirname "$CLONE")"
	fresh_make dev-apache PORT=$((20000 + RANDOM % 40000))
	[ "$status" = 2 ]
	[[ "$output" == *"deploy/apache/run: www-data (ZS_APACHE_USER), whom Apache's workers run as, cannot enter $CLONE/www: put the checkout where www-data may enter every directory above it"* ]]
}

@test "make dev-apache on a fresh clone serves, and a TERM to its process group stops all of it" {
	fresh_clone
	start dev-apache
	post_one
	stop
}

@test "make db-init then make dev on PostgreSQL (docs/postgres.md) on a fresh clone" {
	source "$BATS_TEST_DIRNAME/helpers/server.bash"
	zs_pg_database	# a throwaway server's new database: DATABASE_URL
	fresh_clone
	FRESH_ENV=(STORAGE_BACKEND=postgres "DATABASE_URL=$DATABASE_URL")
	fresh_make db-init
	[ "$status" = 0 ]
	start dev
	# the banner names the database (it named none on PostgreSQL)
	grep -qxF "ZapStream on http://127.0.0.1:$PORT/ with database $DATABASE_URL (Ctrl-C stops it)" "$LOG"
	post_one
	[ "$(psql -XqAt "$DATABASE_URL" -c 'SELECT count(*) FROM events')" = 1 ]
	stop
}
