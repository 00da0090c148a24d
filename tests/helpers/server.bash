# Starts and stops a throwaway ZapStream (web server + responders) on a
# free loopback port with its own database. Sourced by the bats files and
# by bench/run. Needs ZS_BIN (the responders to run); ZS_ROOT defaults to
# the checkout. Settings such as API_KEYS or RATE_LIMIT_PER_MINUTE can be
# set in the environment before zs_start. ZS_SERVER chooses the server:
#   lighttpd     lighttpd.conf, FastCGI (the default)
#   apache-fcgi  Apache with mod_proxy_fcgi (deploy/apache/run fcgi)
#   apache-cgi   Apache with mod_cgid and the shared-host .htaccess
#                (deploy/apache/run cgi): a process per request, run as
#                ZS_APACHE_USER (www-data), which must own the database
#
# STORAGE_BACKEND chooses the store:
#   sqlite       a fresh SQLite file in ZS_DIR (the default)
#   postgres     a fresh database on a throwaway PostgreSQL server, started
#                once per bats file (or shell) on a free loopback port and
#                stopped by zs_stop_all; needs root (the server runs as the
#                postgres user) and postgresql-15. ZS_DATABASE_URL makes
#                zs_start use that database instead (a second node)
#
# Under Apache the server user must read www/, and under CGI also sql/ and
# the programs: when the checkout or ZS_BIN is not readable by it (a clone
# in a 0700 directory, such as root's home or a mktemp -d one), zs_start
# serves a world-readable copy of them instead (zs_readable_tree).
#
# After zs_start: ZS_URL, ZS_DIR (database, sockets, log), ZS_LOG,
# ZS_SERVE_ROOT and ZS_SERVE_BIN (what the server runs from: the checkout
# and ZS_BIN, or their readable copy),
# ZS_LIGHTTPD_PID (the server's main process, whichever server it is),
# and with postgres DATABASE_URL. zs_sql SQL runs SQL on the store of the
# last zs_start, whichever it is.

ZS_ROOT=${ZS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ZS_SERVER=${ZS_SERVER:-lighttpd}
ZS_APACHE_USER=${ZS_APACHE_USER:-www-data}
STORAGE_BACKEND=${STORAGE_BACKEND:-sqlite}
ZS_PG_BIN=${ZS_PG_BIN:-/usr/lib/postgresql/15/bin}

# zs_start: starts the server; returns non-zero (with the log) on failure.
zs_start() {
	local try port
	ZS_DIR=$(mktemp -d /tmp/zs.XXXXXX)
	mkdir -p "$ZS_DIR/run"
	ZS_LOG=$ZS_DIR/server.log
	export DATABASE_PATH=${ZS_DATABASE_PATH:-$ZS_DIR/events.db}
	export API_KEYS=${API_KEYS:-dev_key_123=tenant_dev,key_a=tenant_a,key_a2=tenant_a,key_b=tenant_b}
	export RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE:-1000000}
	export AUTH_FAILURES_PER_MINUTE=${AUTH_FAILURES_PER_MINUTE:-1000000}
	export MAX_PAYLOAD_BYTES=${MAX_PAYLOAD_BYTES:-524288}
	export STORAGE_BACKEND
	if [ "$STORAGE_BACKEND" = postgres ]; then
		# ZS_DATABASE_URL: another node's database (a cluster)
		if [ -n "${ZS_DATABASE_URL:-}" ]; then
			export DATABASE_URL=$ZS_DATABASE_URL
		else
			zs_pg_database || return 1
		fi
	fi
	zs_readable_tree || return 1
	if [ -z "${ZS_NO_MIGRATE:-}" ]; then
		"$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql" >/dev/null || return 1
	fi
	zs_server_owns_database
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		zs_exec_lighttpd "$port" &
		ZS_LIGHTTPD_PID=$!
		ZS_URL=http://127.0.0.1:$port
		if zs_wait_healthy; then
			export ZS_URL ZS_DIR ZS_LOG ZS_LIGHTTPD_PID
			echo "$ZS_LIGHTTPD_PID $ZS_DIR" >>"$(zs_registry)"
			return 0
		fi
		# (it may be gone already: its port was taken)
		kill "$ZS_LIGHTTPD_PID" 2>/dev/null || :
		wait "$ZS_LIGHTTPD_PID" 2>/dev/null || :
	done
	cat "$ZS_LOG" >&2
	return 1
}

# zs_exec_lighttpd PORT: execs lighttpd (run it in the background) for
# ZS_DIR on PORT, with only stdin, stdout and stderr open: started from a
# test it would otherwise inherit bats's descriptors (its output pipes),
# and bats would wait for lighttpd and every responder to exit.
zs_exec_lighttpd() {
	local fd
	for fd in "/proc/$BASHPID/fd/"*; do
		fd=${fd##*/}
		if [ "$fd" -gt 2 ]; then
			{ eval "exec $fd>&-"; } 2>/dev/null || :
		fi
	done
	export ZS_ROOT=$ZS_SERVE_ROOT ZS_BIN=$ZS_SERVE_BIN \
		ZS_RUN=$ZS_DIR/run ZS_BIND=127.0.0.1 PORT=$1 \
		ZS_PROCS=${ZS_PROCS:-2} \
		ZS_MAX_REQUEST_KB=$((MAX_PAYLOAD_BYTES / 1024 + 64)) ZS_APACHE_USER
	# ZS_NEW_GROUP=1: the server leads a process group of its own (as
	# make dev-apache under a supervisor), which a test may signal whole;
	# setsid(1) execs in place here, so the pid stays ZS_LIGHTTPD_PID
	local group=
	[ -z "${ZS_NEW_GROUP:-}" ] || group=setsid
	case $ZS_SERVER in
	lighttpd)
		exec $group lighttpd -D -f "$ZS_ROOT/lighttpd.conf" </dev/null >>"$ZS_LOG" 2>&1 ;;
	apache-fcgi|apache-cgi)
		exec $group "$ZS_ROOT/deploy/apache/run" "${ZS_SERVER#apache-}" \
			</dev/null >>"$ZS_LOG" 2>&1 ;;
	*)
		echo "ZS_SERVER must be lighttpd, apache-fcgi or apache-cgi" >>"$ZS_LOG"
		exit 2 ;;
	esac
}

# zs_readable_tree: sets ZS_SERVE_ROOT and ZS_SERVE_BIN to the checkout
# and ZS_BIN when the server user (ZS_APACHE_USER) can read what it needs
# of them, or under lighttpd (which does not change user); otherwise to a
# copy of www/, sql/, deploy/, lighttpd.conf and the programs in a
# world-readable directory under /tmp, made once per bats file (or shell)
# and removed by zs_stop_all.
zs_readable_tree() {
	local state dir
	ZS_SERVE_ROOT=$ZS_ROOT ZS_SERVE_BIN=$ZS_BIN
	export ZS_SERVE_ROOT ZS_SERVE_BIN
	[ "$ZS_SERVER" = lighttpd ] && return 0
	[ "$(id -u)" = 0 ] || return 0
	setpriv --reuid="$ZS_APACHE_USER" --regid="$ZS_APACHE_USER" \
		--clear-groups -- test -r "$ZS_ROOT/www/index.html" -a \
		-r "$ZS_ROOT/sql/schema.sql" -a -x "$ZS_BIN/zs-admin" && return 0
	state=$(zs_registry).tree
	if [ -f "$state" ] && read -r dir <"$state" && [ -d "$dir" ]; then
		ZS_SERVE_ROOT=$dir ZS_SERVE_BIN=$dir/bin
		return 0
	fi
	dir=$(mktemp -d /tmp/zs-tree.XXXXXX) || return 1
	mkdir "$dir/bin"
	cp -R "$ZS_ROOT/www" "$ZS_ROOT/sql" "$ZS_ROOT/deploy" \
		"$ZS_ROOT/lighttpd.conf" "$dir/" &&
	cp "$ZS_BIN"/zs-* "$dir/bin/" &&
	chmod -R a+rX "$dir" || { rm -rf "$dir"; return 1; }
	echo "$dir" >"$state"
	ZS_SERVE_ROOT=$dir ZS_SERVE_BIN=$dir/bin
}

# zs_server_owns_database: Apache's workers run as ZS_APACHE_USER, not
# root: they must reach the sockets and the site in ZS_DIR, and under CGI
# (where they are the responders) own the database's directory, as
# docs/deployment.md asks of a real host.
zs_server_owns_database() {
	local dir
	[ "$ZS_SERVER" = lighttpd ] && return 0
	chmod 711 "$ZS_DIR"
	[ "$ZS_SERVER" = apache-cgi ] || return 0
	dir=$(dirname "$DATABASE_PATH")
	chown -R "$ZS_APACHE_USER:" "$dir"
	# a test's own directory may sit in bats's private one
	while dir=$(dirname "$dir") && [ "$dir" != / ]; do
		chmod o+x "$dir"
	done
}

# zs_as_server_user COMMAND...: runs COMMAND as the user the responders
# run as (ZS_APACHE_USER under CGI; this shell's otherwise), as zs-admin
# must run so that the files it creates stay theirs.
zs_as_server_user() {
	if [ "$ZS_SERVER" = apache-cgi ]; then
		setpriv --reuid="$ZS_APACHE_USER" --regid="$ZS_APACHE_USER" \
			--clear-groups -- "$@"
	else
		"$@"
	fi
}

# zs_wait_healthy: waits up to 10 s for GET /health to answer (200, or
# any status with ZS_NO_MIGRATE, whose database is missing on purpose).
zs_wait_healthy() {
	local i code
	for i in $(seq 1 100); do
		kill -0 "$ZS_LIGHTTPD_PID" 2>/dev/null || return 1
		code=$(curl -s -o /dev/null -w '%{http_code}' "$ZS_URL/health")
		[ "$code" = 200 ] && return 0
		[ -n "${ZS_NO_MIGRATE:-}" ] && [ "$code" != 000 ] && return 0
		sleep 0.1
	done
	return 1
}

# The servers started by this bats file (or shell), one "pid dir" a line,
# so teardown_file can stop those that tests started too.
zs_registry() {
	if [ -n "${BATS_FILE_TMPDIR:-}" ]; then
		echo "$BATS_FILE_TMPDIR/zs-servers"
	else
		echo "${TMPDIR:-/tmp}/zs-servers.$$"	# this shell's own
	fi
}

# zs_stop_one PID DIR: stops one lighttpd (and so its responders); keeps
# its log for sanitizer checks when ZS_KEEP_LOGS names a directory.
zs_stop_one() {
	local pid=$1 dir=$2 i
	kill "$pid" 2>/dev/null || :
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
	if [ -n "${ZS_KEEP_LOGS:-}" ] && [ -f "$dir/server.log" ]; then
		cp "$dir/server.log" "$ZS_KEEP_LOGS/$(basename "$dir").log"
	fi
	rm -rf "$dir"
	return 0
}

# zs_stop: stops the server this shell started last.
zs_stop() {
	[ -n "${ZS_LIGHTTPD_PID:-}" ] || return 0
	zs_stop_one "$ZS_LIGHTTPD_PID" "$ZS_DIR"
	ZS_LIGHTTPD_PID=
}

# zs_stop_all: stops every server in the registry (for teardown_file),
# then this file's PostgreSQL server, if it started one.
zs_stop_all() {
	local reg pid dir
	reg=$(zs_registry)
	if [ -f "$reg" ]; then
		while read -r pid dir; do
			zs_stop_one "$pid" "$dir"
		done <"$reg"
		rm -f "$reg"
	fi
	if [ -f "$reg.tree" ]; then
		rm -rf "$(cat "$reg.tree")" "$reg.tree"
	fi
	zs_pg_stop
}

# ---- PostgreSQL ------------------------------------------------------------

# The file naming this bats file's PostgreSQL server: "dir port".
zs_pg_state() {
	if [ -n "${BATS_FILE_TMPDIR:-}" ]; then
		echo "$BATS_FILE_TMPDIR/zs-pg"
	else
		echo "${TMPDIR:-/tmp}/zs-pg.$$"
	fi
}

# zs_pg_server: starts the throwaway server unless this file has one
# running; sets ZS_PG_DIR and ZS_PG_PORT.
zs_pg_server() {
	local state dir port try
	state=$(zs_pg_state)
	if [ -f "$state" ]; then
		read -r dir port <"$state"
		if runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$dir/data" \
			status >/dev/null 2>&1; then
			ZS_PG_DIR=$dir ZS_PG_PORT=$port
			export ZS_PG_DIR ZS_PG_PORT
			return 0
		fi
	fi
	dir=$(mktemp -d /tmp/zs-pg.XXXXXX)
	chown postgres: "$dir"
	runuser -u postgres -- "$ZS_PG_BIN/initdb" -D "$dir/data" -A trust \
		-U zs -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; return 1; }
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		if runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$dir/data" \
			-l "$dir/log" -w -o "-c listen_addresses=127.0.0.1 \
			-p $port -k $dir -c max_connections=400" start \
			</dev/null >/dev/null 2>&1; then
			echo "$dir $port" >"$state"
			ZS_PG_DIR=$dir ZS_PG_PORT=$port
			export ZS_PG_DIR ZS_PG_PORT
			return 0
		fi
	done
	cat "$dir/log" >&2
	return 1
}

# zs_pg_database: a fresh database on the server, named by DATABASE_URL.
zs_pg_database() {
	local name
	zs_pg_server || return 1
	name=zs_$(date +%s%N)_$RANDOM
	psql -XqAt -h 127.0.0.1 -p "$ZS_PG_PORT" -U zs -d postgres \
		-c "CREATE DATABASE $name" >/dev/null || return 1
	export DATABASE_URL=postgres://zs@127.0.0.1:$ZS_PG_PORT/$name
}

# zs_pg_stop: stops this file's server and removes it.
zs_pg_stop() {
	local state dir port
	state=$(zs_pg_state)
	[ -f "$state" ] || return 0
	read -r dir port <"$state"
	runuser -u postgres -- "$ZS_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w \
		stop >/dev/null 2>&1 || :
	rm -rf "$dir" "$state"
}

# zs_sql SQL: runs SQL on the store of the last zs_start (rows as lines,
# columns separated by '|', as sqlite3 prints them).
zs_sql() {
	if [ "$STORAGE_BACKEND" = postgres ]; then
		psql -XqAt -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"
	else
		sqlite3 "$DATABASE_PATH" "$1"
	fi
}

# zs_on_sqlite: true when the tests run on SQLite (for the few tests that
# are about the SQLite file itself).
zs_on_sqlite() {
	[ "$STORAGE_BACKEND" != postgres ]
}

# zs_pids NAME: the process ids of one responder (zs-events, zs-inbox...)
# of this server: under lighttpd its children; under Apache they descend
# from it through multiwatch (FastCGI) or Apache's own processes (CGI).
zs_pids() {
	local p a i
	# (under CGI the programs are named nph-zs-*: see deploy/cgi/htaccess)
	pgrep -x "(nph-)?$1" | while read -r p; do
		a=$p
		for i in 1 2 3 4; do
			a=$(ps -o ppid= -p "$a" | tr -d ' ')
			[ -n "$a" ] && [ "$a" != 1 ] || break
			if [ "$a" = "$ZS_LIGHTTPD_PID" ]; then
				echo "$p"
				break
			fi
		done
	done
}

# zs_resident: the responders stay running between requests (FastCGI),
# rather than a process per request (CGI).
zs_resident() {
	[ "$ZS_SERVER" != apache-cgi ]
}
