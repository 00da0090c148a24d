#!/usr/bin/env bats
# GET /inbox?q=: full-text search over payloads, the same on SQLite (FTS5)
# and PostgreSQL (GIN over to_tsvector), with every other filter.

load ../helpers/suite

setup_file() {
	zs_start
}

# found QUERY: the payload.n of tenant A's events GET /inbox?QUERY lists.
found() {
	req_a GET "/inbox?$1"
	[ "$status_code" = 200 ] || { echo "GET /inbox?$1: $status_code $body" >&2; return 1; }
	jq -c '[.events[].payload.n]' <<<"$body"
}

# search_rows: the events SQLite's search index holds (FTS5's size table).
search_rows() {
	zs_sql 'SELECT count(*) FROM events_fts_docsize'
}

@test "q finds whole words of the payload, any case, all words at once, at any depth" {
	new_event '{"topic":"s1","payload":{"n":1,"note":"Invoice PAID for Ada","amount":4200}}' >/dev/null
	new_event '{"topic":"s1","payload":{"n":2,"note":"invoice refunded","amount":4201}}' >/dev/null
	new_event '{"topic":"s1","payload":{"n":3,"items":[{"sku":"x-99","tags":["Rare","gift"]}]}}' >/dev/null
	new_event '{"topic":"s1","payload":{"n":4,"email":"ada@example.com","city":"Zürich"}}' >/dev/null
	[ "$(found 'topic=s1&q=invoice')" = '[1,2]' ]
	[ "$(found 'topic=s1&q=INVOICE%20paid')" = '[1]' ]
	[ "$(found 'topic=s1&q=4200')" = '[1]' ]
	[ "$(found 'topic=s1&q=rare')" = '[3]' ]
	[ "$(found 'topic=s1&q=x-99')" = '[3]' ]
	[ "$(found 'topic=s1&q=ada%40example.com')" = '[4]' ]
	[ "$(found 'topic=s1&q=z%C3%BCrich')" = '[4]' ]
	# words, not parts of words; and member names are words too
	[ "$(found 'topic=s1&q=invo')" = '[]' ]
	[ "$(found 'topic=s1&q=420')" = '[]' ]
	[ "$(found 'topic=s1&q=sku')" = '[3]' ]
	# every word must be there
	[ "$(found 'topic=s1&q=invoice+gift')" = '[]' ]
}

@test "q combines with status, topic prefixes, since and until, order and cursors" {
	t0=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
	for n in 11 12 13 14 15; do
		new_event "{\"topic\":\"s2.$n\",\"payload\":{\"n\":$n,\"word\":\"needle\"}}" >/dev/null
	done
	new_event '{"topic":"s2.x","payload":{"n":16,"word":"hay"}}' >/dev/null
	[ "$(found 'q=needle&topic=s2.*')" = '[11,12,13,14,15]' ]
	[ "$(found 'q=needle&topic=s2.*&order=desc')" = '[15,14,13,12,11]' ]
	req_a GET '/inbox?q=needle&topic=s2.*&limit=2'
	[ "$(jq -c '[.events[].payload.n]' <<<"$body")" = '[11,12]' ]
	c=$(jq -r .next_cursor <<<"$body")
	[ "$(found "q=needle&topic=s2.*&limit=2&cursor=$c")" = '[13,14]' ]
	req_a GET '/inbox?q=needle&topic=s2.*&order=desc&limit=4'
	c=$(jq -r .next_cursor <<<"$body")
	[ "$(found "q=needle&topic=s2.*&order=desc&limit=4&cursor=$c")" = '[11]' ]
	id=$(jq -r '.events[0].id' <<<"$body")
	req_a POST "/inbox/$id/ack" -d ''
	[ "$(found 'q=needle&topic=s2.*')" = '[11,12,13,14]' ]
	[ "$(found 'q=needle&topic=s2.*&status=acknowledged')" = '[15]' ]
	[ "$(found 'q=needle&topic=s2.*&status=all')" = '[11,12,13,14,15]' ]
	[ "$(found "q=needle&since=$t0&topic=s2.1*")" = '[11,12,13,14]' ]
	[ "$(found "q=needle&until=$t0")" = '[]' ]
}

@test "q sees only the key's own tenant, and deleted or purged events are gone from it" {
	new_event '{"payload":{"n":21,"secret":"tenantaword"}}' >/dev/null
	req_b POST /events -H 'Content-Type: application/json' \
		--data-binary '{"payload":{"n":22,"secret":"tenantbword"}}'
	[ "$status_code" = 201 ]
	[ "$(found 'q=tenantbword')" = '[]' ]
	req_b GET '/inbox?q=tenantaword'
	[ "$(jq -c '.events' <<<"$body")" = '[]' ]
	req_b GET '/inbox?q=tenantbword'
	[ "$(jq -c '[.events[].payload.n]' <<<"$body")" = '[22]' ]

	gone=$(new_event '{"payload":{"n":23,"w":"deleteme"}}')
	old=$(new_event '{"payload":{"n":24,"w":"purgeme"}}')
	[ "$(found 'q=deleteme')" = '[23]' ]
	zs_on_sqlite && rows=$(search_rows)
	req_a DELETE "/inbox/$gone"
	[ "$status_code" = 200 ]
	[ "$(found 'q=deleteme&status=all')" = '[]' ]
	req_a POST "/inbox/$old/ack" -d ''
	zs_sql "UPDATE events SET acked_at = acked_at - 8 * 86400000 WHERE id = '$old'"
	run "$ZS_BIN/zs-admin" purge
	[ "$status" = 0 ]
	[ "$(found 'q=purgeme&status=all')" = '[]' ]
	# the index lost both events' words (SQLite: the store removes them)
	if zs_on_sqlite; then [ "$(search_rows)" = $((rows - 2)) ]; fi
}

@test "a malformed q is 400 INVALID_PARAMETER naming q" {
	for q in 'q=' 'q=!!!' 'q=%00a' "q=$(printf 'w%.0s+' $(seq 1 9))" \
		"q=$(head -c 257 /dev/zero | tr '\0' a)" 'q=%C3' 'q=a&q=b'; do
		req_a GET "/inbox?$q"
		expect_error 400 INVALID_PARAMETER
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = q ] || { echo "$q: $body" >&2; false; }
	done
	req_a GET '/inbox?q=!!!'
	[ "$(jq -r '.error.details[0].message' <<<"$body")" = "must contain a letter or a digit" ]
	# the stream is live: no search there
	req_a GET '/inbox/stream?q=a'
	expect_error 400 INVALID_PARAMETER
}

@test "SQLite writes the words in batches: 256 waiting events are added by the writer, and a search adds the rest first" {
	zs_on_sqlite || skip "PostgreSQL keeps its index itself"
	before=$(search_rows)
	new_event '{"payload":{"n":41,"w":"batchone"}}' >/dev/null
	# not yet in the index, but a search finds it: it adds what waits
	[ "$(search_rows)" = "$before" ]
	[ "$(found 'q=batchone')" = '[41]' ]
	[ "$(search_rows)" = $((before + 1)) ]
	# 300 more without a search: the writer added a batch of them
	for i in $(seq 1 300); do printf '{"payload":{"i":%d}}\n' "$i"; done >"$BATS_TEST_TMPDIR/events"
	while read -r e; do post_event "$e" >/dev/null; done <"$BATS_TEST_TMPDIR/events"
	[ "$(search_rows)" -ge $((before + 1 + 256)) ]
	[ "$(search_rows)" -lt $((before + 1 + 300)) ]
}

@test "SEARCH_INDEX=off: q is refused and nothing is indexed; back on, a search finds what was stored meanwhile" {
	load ../helpers/restart
	zs_stop_lighttpd
	SEARCH_INDEX=off zs_start_lighttpd
	req_a GET '/inbox?q=anything'
	expect_error 400 INVALID_PARAMETER
	[ "$(jq -r '.error.details[0].message' <<<"$body")" = "search is turned off on this server (SEARCH_INDEX=off)" ]
	if zs_on_sqlite; then
		before=$(search_rows)
		new_event '{"payload":{"n":31,"w":"whileoff"}}' >/dev/null
		# past a batch, and still no words written
		for i in $(seq 1 300); do post_event "{\"payload\":{\"i\":$i}}" >/dev/null; done
		[ "$(search_rows)" = "$before" ]
	else
		new_event '{"payload":{"n":31,"w":"whileoff"}}' >/dev/null
		# zs-admin migrate drops PostgreSQL's index, and makes it again
		SEARCH_INDEX=off run "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql"
		[ "$status" = 0 ]
		[ "$(zs_sql "SELECT count(*) FROM pg_indexes WHERE indexname = 'events_search'")" = 0 ]
		run "$ZS_BIN/zs-admin" migrate "$ZS_ROOT/sql"
		[ "$(zs_sql "SELECT count(*) FROM pg_indexes WHERE indexname = 'events_search'")" = 1 ]
	fi
	zs_stop_lighttpd
	zs_start_lighttpd
	[ "$(found 'q=whileoff')" = '[31]' ]
	# zs-admin search-rebuild writes every event's words again
	run "$ZS_BIN/zs-admin" search-rebuild
	[ "$status" = 0 ]
	[ "$(found 'q=whileoff')" = '[31]' ]
	[ "$(found 'q=needle&topic=s2.*')" = '[11,12,13,14]' ]
	if zs_on_sqlite; then
		[ "$(search_rows)" = "$(zs_sql 'SELECT count(*) FROM events')" ]
	fi
}
