#!/usr/bin/env bats
# Storage: WAL, bounded busy waits, an unavailable database, and crashes.

load ../helpers/suite

setup_file() {
	export DB_BUSY_TIMEOUT_MS=300
	zs_start
}

@test "the database is in WAL mode at the current schema version" {
	if ! zs_on_sqlite; then
		newest=$(ls "$ZS_ROOT/sql/postgres" | sort | tail -n 1)
		[ "$(zs_sql 'SELECT max(version) FROM schema_version')" = "$((10#${newest%%_*}))" ]
		return 0
	fi
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA journal_mode')" = wal ]
	newest=$(ls "$ZS_ROOT/sql/migrations" | sort | tail -n 1)
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA user_version')" = "$((10#${newest%%_*}))" ]
}

@test "the database, its -wal and -shm, and the rate-limit and write-lock files are 0600" {
	zs_on_sqlite || skip "the SQLite files (PostgreSQL keeps its own)"
	for i in 1 2 3; do
		post_event '{"payload":{}}'
		[ "$status_code" = 201 ]
	done
	req_a GET /inbox
	for f in "" -wal -shm -ratelimit -writelock; do
		if [ ! -e "$DATABASE_PATH$f" ]; then
			# under plain CGI the last process to close the database
			# removes its -wal and -shm
			[ "$ZS_SERVER" = apache-cgi ] && [[ "$f" == -wal || "$f" == -shm ]] && continue
			echo "no $DATABASE_PATH$f" >&2
			false
		fi
		echo "$DATABASE_PATH$f: $(stat -c %a "$DATABASE_PATH$f")"
		[ "$(stat -c %a "$DATABASE_PATH$f")" = 600 ]
	done
}

@test "migrating a version 2 database to the newest keeps events, counts and the change sequence" {
	zs_on_sqlite || skip "SQLite's own migrations (PostgreSQL starts at its version 1)"
	dir=$(mktemp -d)
	mkdir -p "$dir/v2/migrations"
	cp "$ZS_ROOT/sql/schema.sql" "$dir/v2/"
	cp "$ZS_ROOT/sql/migrations/002_"*.sql "$dir/v2/migrations/"
	db=$dir/old.db
	DATABASE_PATH=$db "$ZS_BIN/zs-admin" migrate "$dir/v2" >/dev/null
	[ "$(sqlite3 "$db" 'PRAGMA user_version')" = 2 ]
	sqlite3 "$db" "INSERT INTO events (id, tenant, created_at, source, payload)
		VALUES ('evt_01J00000000000000000000001', 'tenant_a', 1, 's', '{}'),
		       ('evt_01J00000000000000000000002', 'tenant_a', 2, 's', '{}');
		UPDATE events SET acked_at = 3 WHERE seq = 2;
		DELETE FROM changes WHERE seq = (SELECT max(seq) FROM changes);"
	# Three changes were made; the newest is gone, but its seq is used.
	[ "$(sqlite3 "$db" "SELECT seq FROM sqlite_sequence WHERE name = 'changes'")" = 3 ]
	DATABASE_PATH=$db "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql" >/dev/null
	newest=$(ls "$ZS_ROOT/sql/migrations" | sort | tail -n 1)
	[ "$(sqlite3 "$db" 'PRAGMA user_version')" = "$((10#${newest%%_*}))" ]
	[ "$(sqlite3 "$db" 'SELECT count(*) FROM events')" = 2 ]
	[ "$(sqlite3 "$db" 'SELECT group_concat(seq) FROM changes')" = 1,2 ]
	[ "$(sqlite3 "$db" "SELECT pending || ' ' || acknowledged || ' ' || dead FROM source_counts")" = "1 1 0" ]
	sqlite3 "$db" "INSERT INTO events (id, tenant, created_at, payload)
		VALUES ('evt_01J00000000000000000000003', 'tenant_a', 4, '{}')"
	[ "$(sqlite3 "$db" 'SELECT max(seq) FROM changes')" = 4 ]
	[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
	rm -rf "$dir"
}

# busy_metrics: "WAITS TIMEOUTS", the SQLite busy counters of GET /metrics.
busy_metrics() {
	req GET /metrics
	awk '$1 == "zapstream_sqlite_busy_waits_total" { w = $2 }
		$1 == "zapstream_sqlite_busy_timeouts_total" { t = $2 }
		END { print w, t }' <<<"$body"
}

@test "a write locked past the busy timeout is 503 UNAVAILABLE with Retry-After; reads go on" {
	if zs_on_sqlite; then
		{ echo 'BEGIN IMMEDIATE;'; sleep 3; echo 'COMMIT;'; } | sqlite3 "$DATABASE_PATH" &
	else
		# the writers' queue: the one row of zs_state
		psql -Xq "$DATABASE_URL" -c 'BEGIN' \
			-c 'SELECT * FROM zs_state FOR UPDATE' \
			-c 'SELECT pg_sleep(3)' -c 'COMMIT' >/dev/null &
	fi
	locker=$!
	sleep 0.5
	zs_on_sqlite && busy_before=$(busy_metrics)
	post_event '{"payload":{}}'
	expect_error 503 UNAVAILABLE
	[ "$(header retry-after)" -ge 1 ]
	if zs_on_sqlite; then
		# GET /metrics counts the waits and the give-up
		read -r waits timeouts <<<"$busy_before"
		read -r waits2 timeouts2 <<<"$(busy_metrics)"
		echo "busy waits $waits -> $waits2, timeouts $timeouts -> $timeouts2"
		[ "$waits2" -gt "$waits" ]
		[ "$timeouts2" -gt "$timeouts" ]
	fi
	req_a GET /inbox
	[ "$status_code" = 200 ]
	wait $locker
	post_event '{"payload":{}}'
	[ "$status_code" = 201 ]
}

@test "a missing database is 503 and health says so, until db-init creates it" {
	ZS_NO_MIGRATE=1 ZS_DATABASE_PATH=$BATS_TEST_TMPDIR/later.db zs_start
	req GET /health
	[ "$status_code" = 503 ]
	[ "$(jq -r .database <<<"$body")" = unavailable ]
	post_event '{"payload":{}}'
	expect_error 503 UNAVAILABLE
	req_a GET /inbox
	expect_error 503 UNAVAILABLE
	if zs_on_sqlite; then
		grep -q 'cannot open' "$ZS_LOG"
	else
		grep -q 'run make db-init' "$ZS_LOG"
	fi
	# as the responders' user, so that the database is theirs (under CGI)
	DATABASE_PATH=$BATS_TEST_TMPDIR/later.db zs_as_server_user "$ZS_SERVE_BIN/zs-admin" migrate "$ZS_SERVE_ROOT/sql"
	post_event '{"payload":{}}'
	[ "$status_code" = 201 ]
	req GET /health
	[ "$status_code" = 200 ]
	zs_stop
}

@test "retention purges acknowledged events past RETENTION_DAYS and expired keys" {
	old=$(new_event) keep=$(new_event) pending=$(new_event)
	req_a POST "/inbox/$old/ack" -d ''
	req_a POST "/inbox/$keep/ack" -d ''
	zs_sql "UPDATE events SET acked_at = acked_at - 8 * 86400000 WHERE id = '$old'"
	if zs_on_sqlite; then hash="x'00'"; else hash="'\\x00'::bytea"; fi
	zs_sql "INSERT INTO idempotency_keys VALUES ('tenant_a', 'gone', $hash, 'evt_x', 0, 1)"
	run "$ZS_BIN/zs-admin" purge
	[ "$status" = 0 ]
	[ "$(zs_sql "SELECT count(*) FROM events WHERE id IN ('$old', '$keep', '$pending')")" = 2 ]
	[ "$(zs_sql "SELECT count(*) FROM events WHERE id = '$old'")" = 0 ]
	[ "$(zs_sql "SELECT count(*) FROM idempotency_keys WHERE key = 'gone'")" = 0 ]
}

@test "SIGKILL of responders while clients post loses no event that got a 201" {
	# under CGI no responder lives long enough to be picked and killed
	zs_resident || skip "CGI: a process per request"
	# four clients post for a few seconds, recording every id answered 201
	for c in 1 2 3 4; do
		(
			end=$((SECONDS + 6))
			while [ $SECONDS -lt $end ]; do
				curl -s -m 5 -X POST "$ZS_URL/events" -H "X-API-Key: $KEY_A" \
					-H 'Content-Type: application/json' -d '{"topic":"crash","payload":{}}' \
					-w '\n%{http_code}\n' | paste -sd ' ' |
					awk '$NF == 201 {print $1}' | jq -r .id
			done >"$BATS_TEST_TMPDIR/ids$c"
		) &
	done
	kills=0
	end=$((SECONDS + 6))
	while [ $SECONDS -lt $end ]; do
		sleep 0.3
		pid=$(zs_pids zs-events | shuf -n 1)
		[ -n "$pid" ] && kill -9 "$pid" && kills=$((kills + 1))
	done
	wait
	echo "kills: $kills, events: $(cat "$BATS_TEST_TMPDIR"/ids* | wc -l)"
	[ "$kills" -ge 3 ]
	cat "$BATS_TEST_TMPDIR"/ids* | sort >"$BATS_TEST_TMPDIR/acked"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/acked")" -gt 20 ]
	zs_sql "SELECT id FROM events WHERE topic = 'crash'" | sort >"$BATS_TEST_TMPDIR/stored"
	# every 201 is stored, and stored once
	[ -z "$(comm -23 "$BATS_TEST_TMPDIR/acked" "$BATS_TEST_TMPDIR/stored")" ]
	[ -z "$(uniq -d "$BATS_TEST_TMPDIR/stored")" ]
	if zs_on_sqlite; then
		[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA integrity_check')" = ok ]
	fi
	# lighttpd restarted them: the service answers again
	for i in $(seq 1 50); do
		post_event '{"payload":{}}'
		[ "$status_code" = 201 ] && break
		sleep 0.1
	done
	[ "$status_code" = 201 ]
}
