#!/usr/bin/env bats
# Disk faults: a full disk, a read-only file system and a database whose
# directory disappears. Each write answers 503 UNAVAILABLE with a log line,
# nothing answered 201 is lost, and service comes back when the fault goes.
# Needs root (it mounts a small tmpfs), as CI and make test have.

load helpers/api

setup_file() {
	export FAULT_DIR=$(mktemp -d /tmp/zs-fault.XXXXXX)
	mount -t tmpfs -o size=3m tmpfs "$FAULT_DIR"
	export ZS_DATABASE_PATH=$FAULT_DIR/events.db DB_BUSY_TIMEOUT_MS=500
	zs_start
}

teardown_file() {
	zs_stop_all
	umount "$FAULT_DIR" 2>/dev/null || umount -l "$FAULT_DIR" 2>/dev/null || :
	rm -rf "$FAULT_DIR"
}

@test "a full disk answers 503 UNAVAILABLE, loses no 201, and recovers when space returns" {
	pad=$(head -c 20000 /dev/zero | tr '\0' 'x')
	echo "{\"topic\":\"full\",\"payload\":{\"pad\":\"$pad\"}}" >"$BATS_TEST_TMPDIR/big"
	: >"$BATS_TEST_TMPDIR/ids"
	full=0
	for i in $(seq 1 400); do
		post_event "@$BATS_TEST_TMPDIR/big"
		case "$status_code" in
		201) jq -r .id <<<"$body" >>"$BATS_TEST_TMPDIR/ids" ;;
		503) expect_error 503 UNAVAILABLE; full=1; break ;;
		*) echo "unexpected $status_code: $body"; false ;;
		esac
	done
	[ "$full" = 1 ]
	grep -qiE 'full|disk' "$ZS_LOG"
	# reads still work while the disk is full
	req_a GET '/inbox?topic=full&limit=1'
	[ "$status_code" = 200 ]
	mount -o remount,size=64m "$FAULT_DIR"
	post_event '{"topic":"full","payload":{"after":1}}'
	[ "$status_code" = 201 ]
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA integrity_check')" = ok ]
	sqlite3 "$DATABASE_PATH" "SELECT id FROM events WHERE topic = 'full'" | sort >"$BATS_TEST_TMPDIR/stored"
	[ -z "$(sort "$BATS_TEST_TMPDIR/ids" | comm -23 - "$BATS_TEST_TMPDIR/stored")" ]
}

@test "a read-only file system answers 503 to writes and recovers when writable again" {
	id=$(new_event '{"topic":"ro","payload":{}}')
	# a busy file system cannot become read-only: stop, remount, restart
	zs_stop_all
	mount -o remount,ro "$FAULT_DIR"
	ZS_NO_MIGRATE=1 zs_start
	post_event '{"topic":"ro","payload":{}}'
	expect_error 503 UNAVAILABLE
	req_a POST "/inbox/$id/ack" -d ''
	expect_error 503 UNAVAILABLE
	grep -qiE 'read.?only|readonly|cannot open' "$ZS_LOG"
	mount -o remount,rw "$FAULT_DIR"
	post_event '{"topic":"ro","payload":{}}'
	[ "$status_code" = 201 ]
	req_a POST "/inbox/$id/ack" -d ''
	[ "$status_code" = 200 ]
	[ "$(sqlite3 "$DATABASE_PATH" 'PRAGMA integrity_check')" = ok ]
}

@test "a database directory that disappears is 503, logged, and recovers with db-init" {
	dir=$(mktemp -d /tmp/zs-gone.XXXXXX)
	ZS_DATABASE_PATH=$dir/events.db zs_start
	new_event >/dev/null
	rm -rf "$dir"
	post_event '{"payload":{}}'
	expect_error 503 UNAVAILABLE
	grep -q 'moved or deleted' "$ZS_LOG"
	req GET /health
	[ "$status_code" = 503 ]
	mkdir -p "$dir"
	DATABASE_PATH=$dir/events.db "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql" >/dev/null
	post_event '{"payload":{}}'
	[ "$status_code" = 201 ]
	[ "$(sqlite3 "$dir/events.db" 'SELECT count(*) FROM events')" = 1 ]
	zs_stop
	rm -rf "$dir"
}
