#!/usr/bin/env bats
# Deployment: the live stream under Apache CGI (bounded, resumed with
# Last-Event-ID), a supervisor's TERM to Apache with FastCGI, and make install: the tree it makes runs by its systemd
# unit's own command lines. (The API files run against each server from
# tests/run-all; this file covers what only a deployment has.)

load helpers/suite
load helpers/stream

# each test starts its own server
setup_file() {
	export ZS_BIN=${ZS_BIN:-$BATS_TEST_DIRNAME/../build/bin}
}

@test "under Apache CGI a stream ends after STREAM_CGI_SECONDS with its Last-Event-ID, and resuming from it misses nothing" {
	ZS_SERVER=apache-cgi STREAM_CGI_SECONDS=2 STREAM_PING_SECONDS=1 zs_start
	s=$BATS_TEST_TMPDIR/s
	curl -sN -m 20 "$ZS_URL/inbox/stream?api_key=$KEY_A" -o "$s" &
	c=$!
	sleep 0.5
	id1=$(new_event '{"topic":"cgi","payload":{"n":1}}')
	start=$SECONDS
	wait "$c"	# the server ended it (curl's own limit is 20 s)
	elapsed=$((SECONDS - start))
	echo "ended after about ${elapsed}s"; cat "$s"
	[ "$elapsed" -lt 10 ]
	grep -q "\"id\":\"$id1\"" "$s"
	# the last frame is an id with no data: the client's Last-Event-ID.
	# (Apache 2.4 appends a stray empty 200 head after a non-parsed-header
	# program behind a rewrite; an EventSource ignores those lines.)
	last=$(tr -d '\r' <"$s" | grep '^id: ' | tail -n 1)
	[ -z "$(tr -d '\r' <"$s" | grep -A1 '^id: ' | tail -n 1)" ]
	# an event while the client is away arrives when it comes back
	id2=$(new_event '{"topic":"cgi","payload":{"n":2}}')
	curl -sN -m 20 "$ZS_URL/inbox/stream?api_key=$KEY_A" -H "Last-Event-ID: ${last#id: }" -o "$s.2"
	grep -q "\"id\":\"$id2\"" "$s.2"
	! grep -q "\"id\":\"$id1\"" "$s.2"
	zs_stop
}

@test "under Apache CGI an event reaches an open stream at once, not at its end" {
	ZS_SERVER=apache-cgi STREAM_CGI_SECONDS=30 zs_start
	s=$BATS_TEST_TMPDIR/s
	curl -sN -m 20 "$ZS_URL/inbox/stream?api_key=$KEY_A" -o "$s" &
	c=$!
	sleep 0.5
	id=$(new_event)
	wait_for "$s" "$id"
	kill -0 "$c"	# still open: it was not buffered until the end
	kill "$c"
	zs_stop
}

# group_left PGID: the processes of group PGID still running (not zombies).
group_left() {
	ps -o pid=,stat=,args= -g "$1" | awk '$2 !~ /^Z/'
}

@test "a TERM to the process group of deploy/apache/run fcgi (make dev-apache) stops Apache, multiwatch and every responder" {
	ZS_SERVER=apache-fcgi ZS_NEW_GROUP=1 zs_start
	pg=$ZS_LIGHTTPD_PID
	[ "$(ps -o pgid= -p "$pg" | tr -d ' ')" = "$pg" ]
	# every responder up and answering
	for p in /inbox /stats /inbox/lease /hooks; do req_a GET "$p"; done
	[ "$(group_left "$pg" | grep -c multiwatch)" = 9 ]
	kill -TERM -- "-$pg"
	for i in $(seq 1 150); do
		[ -z "$(group_left "$pg")" ] && break
		sleep 0.1
	done
	left=$(group_left "$pg")
	[ -z "$left" ] || {
		echo "still running 15 s after the TERM:"; echo "$left"
		kill -KILL -- "-$pg"
		false
	}
	wait "$pg" 2>/dev/null || :
	zs_stop
}

# unit_values KEY: the values of KEY= lines in the installed unit.
unit_values() {
	sed -n "s/^$1=//p" "$UNIT"
}

@test "make install DESTDIR puts the tree in place, and it runs by its systemd unit's command lines" {
	d=$BATS_TEST_TMPDIR/root
	cd "$BATS_TEST_DIRNAME/.."
	run make --no-print-directory install DESTDIR="$d" PREFIX=/usr/local O="$(dirname "$ZS_BIN")"
	[ "$status" = 0 ] || { echo "$output"; false; }
	for f in usr/local/bin/zs-admin usr/local/lib/zapstream/zs-events \
		usr/local/lib/zapstream/zs-stream usr/local/share/zapstream/www/index.html \
		usr/local/share/zapstream/sql/schema.sql usr/local/share/zapstream/lighttpd.conf \
		usr/local/share/zapstream/sql/postgres/001_schema.sql \
		usr/local/share/zapstream/deploy/apache/zapstream.conf \
		usr/local/share/zapstream/deploy/cgi/htaccess \
		usr/local/share/zapstream/deploy/nginx/zapstream.conf \
		usr/local/lib/systemd/system/zapstream.service etc/zapstream/zapstream.env; do
		[ -e "$d/$f" ] || { echo "missing $f"; false; }
	done
	[ ! -e "$d/usr/local/lib/zapstream/zs-admin" ]
	[ "$(stat -c %a "$d/etc/zapstream/zapstream.env")" = 600 ]
	UNIT=$d/usr/local/lib/systemd/system/zapstream.service
	! grep -q '@[A-Z]*@' "$UNIT"

	# The unit's own lines, moved under DESTDIR; what systemd provides
	# (StateDirectory, RuntimeDirectory) made here; a free port.
	rel() { sed "s| /usr/local/| $d/usr/local/|g; s|=/usr/local/|=$d/usr/local/|g; s|^/usr/local/|$d/usr/local/|"; }
	env_lines=$(unit_values Environment | rel | tr '\n' ' ')
	pre=$(unit_values ExecStartPre | rel)
	start=$(unit_values ExecStart | rel)
	[[ "$start" == "/usr/sbin/lighttpd -D -f $d/usr/local/share/zapstream/lighttpd.conf" ]]
	mkdir -p "$d/state" "$d/run"
	port=$((20000 + RANDOM % 40000))
	# shellcheck disable=SC2086
	set -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin $env_lines \
		ZS_RUN="$d/run" DATABASE_PATH="$d/state/events.db" PORT="$port" \
		API_KEYS=key_a=tenant_a
	run "$@" $pre
	[ "$status" = 0 ] || { echo "$output"; false; }
	# shellcheck disable=SC2086
	"$@" $start </dev/null >"$d/log" 2>&1 3>&- &
	pid=$!
	echo "$pid $BATS_TEST_TMPDIR/unused" >>"$(zs_registry)"
	ZS_URL=http://127.0.0.1:$port ZS_LIGHTTPD_PID=$pid
	zs_wait_healthy || { cat "$d/log"; false; }
	req GET /health
	[ "$status_code" = 200 ]
	post_event '{"topic":"installed","payload":{"ok":true}}'
	[ "$status_code" = 201 ]
	[ "$(sqlite3 "$d/state/events.db" "SELECT payload FROM events WHERE topic = 'installed'")" = '{"ok":true}' ]
	req GET /
	[ "$status_code" = 200 ]
	kill "$pid"
	wait "$pid" || :

	run make --no-print-directory uninstall DESTDIR="$d" PREFIX=/usr/local
	[ "$status" = 0 ]
	[ -z "$(find "$d/usr" -type f)" ]
	[ -f "$d/etc/zapstream/zapstream.env" ]
}
