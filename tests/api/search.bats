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

@test "a q that is no search is 422 VALIDATION_FAILED naming q; a malformed query string stays 400" {
	for q in 'q=' 'q=!!!' "q=$(printf 'w%.0s+' $(seq 1 9))" \
		"q=$(head -c 257 /dev/zero | tr '\0' a)" 'q=%C3'; do
		req_a GET "/inbox?$q"
		expect_error 422 VALIDATION_FAILED
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = q ] || { echo "$q: $body" >&2; false; }
	done
	req_a GET '/inbox?q=!!!'
	[ "$(jq -r '.error.details[0].message' <<<"$body")" = "must contain a letter or a digit" ]
	# a NUL escape or a repeat is the query string's fault, not the search's
	for q in 'q=%00a' 'q=a&q=b'; do
		req_a GET "/inbox?$q"
		expect_error 400 INVALID_PARAMETER
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = q ] || { echo "$q: $body" >&2; false; }
	done
	# the stream's state changes carry no payload: no search there, and
	# the message says where to search instead
	for p in 'q=a' 'payload.amount=4200'; do
		req_a GET "/inbox/stream?$p"
		expect_error 400 INVALID_PARAMETER
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "${p%%=*}" ]
		[[ "$(jq -r '.error.details[0].message' <<<"$body")" == "is taken by GET /inbox, not by the stream: "* ]] || { echo "$p: $body" >&2; false; }
	done
}

@test "payload.<path>=<value> matches the scalar at the path: a string, a number by value, true, false or null" {
	new_event '{"topic":"pf","payload":{"n":51,"amount":4200,"customer":{"id":"cus_1","vip":true},"city":"Zürich"}}' >/dev/null
	new_event '{"topic":"pf","payload":{"n":52,"amount":4200.0,"customer":{"id":"cus_2","vip":false}}}' >/dev/null
	new_event '{"topic":"pf","payload":{"n":53,"amount":"4200","customer":{"id":"cus_1"},"x-y":null}}' >/dev/null
	new_event '{"topic":"pf","payload":{"n":54,"amount":1e3,"customer":"cus_1","list":["cus_1"]}}' >/dev/null
	[ "$(found 'topic=pf&payload.amount=4200')" = '[51,52,53]' ]
	[ "$(found 'topic=pf&payload.amount=4200.00')" = '[51,52]' ]
	[ "$(found 'topic=pf&payload.amount=1000')" = '[54]' ]
	[ "$(found 'topic=pf&payload.customer.id=cus_1')" = '[51,53]' ]
	[ "$(found 'topic=pf&payload.customer=cus_1')" = '[54]' ]
	[ "$(found 'topic=pf&payload.customer.vip=true')" = '[51]' ]
	[ "$(found 'topic=pf&payload.customer.vip=false')" = '[52]' ]
	[ "$(found 'topic=pf&payload.x-y=null')" = '[53]' ]
	[ "$(found 'topic=pf&payload.city=Z%C3%BCrich')" = '[51]' ]
	# whole values only, case counts, objects and arrays never match
	[ "$(found 'topic=pf&payload.customer.id=cus')" = '[]' ]
	[ "$(found 'topic=pf&payload.customer.id=CUS_1')" = '[]' ]
	[ "$(found 'topic=pf&payload.list=cus_1')" = '[]' ]
	[ "$(found 'topic=pf&payload.nope=1')" = '[]' ]
	# up to three, with each other and with q, status and order
	[ "$(found 'topic=pf&payload.customer.id=cus_1&payload.amount=4200&order=desc')" = '[53,51]' ]
	[ "$(found 'topic=pf&payload.customer.id=cus_1&payload.amount=4200&payload.x-y=null')" = '[53]' ]
	[ "$(found 'topic=pf&payload.customer.id=cus_1&q=z%C3%BCrich')" = '[51]' ]
	[ "$(found 'topic=pf&payload.customer.id=cus_1&status=acknowledged')" = '[]' ]
}

@test "a payload filter pages with cursors, and finds as much with the search index off" {
	for n in 61 62 63 64 65; do
		new_event "{\"topic\":\"pg$n\",\"payload\":{\"n\":$n,\"ref\":\"ref-7\"}}" >/dev/null
	done
	new_event '{"topic":"pgx","payload":{"n":66,"ref":"ref-8"}}' >/dev/null
	req_a GET '/inbox?payload.ref=ref-7&limit=3'
	[ "$(jq -c '[.events[].payload.n]' <<<"$body")" = '[61,62,63]' ]
	c=$(jq -r .next_cursor <<<"$body")
	[ "$(found "payload.ref=ref-7&limit=3&cursor=$c")" = '[64,65]' ]
}

@test "a payload filter whose words do not all fit the search's still finds its events" {
	long=$(head -c 300 /dev/zero | tr '\0' w)
	new_event "{\"topic\":\"pl\",\"payload\":{\"n\":71,\"code\":\"$long\"}}" >/dev/null
	new_event "{\"topic\":\"pl\",\"payload\":{\"n\":72,\"code\":\"w-$long\",\"ref\":\"a b c d e f g h i\"}}" >/dev/null
	# one word longer than the search words' buffer
	[ "$(found "topic=pl&payload.code=$long")" = '[71]' ]
	# more words in all than a search takes, with q first
	[ "$(found "topic=pl&q=w&payload.ref=a+b+c+d+e+f+g+h+i&payload.code=w-$long")" = '[72]' ]
}

@test "a payload filter that is no filter is 422 VALIDATION_FAILED naming it" {
	for q in 'payload.=1' 'payload.a..b=1' 'payload.a.=1' 'payload.a$b=1' 'payload.a%20b=1' \
		"payload.$(head -c 65 /dev/zero | tr '\0' a)=1" 'payload.a.b.c.d.e.f.g.h.i=1' 'payload.a=%C3'; do
		req_a GET "/inbox?$q"
		expect_error 422 VALIDATION_FAILED
		name=${q%%=*}
		[ "$(jq -r '.error.details[0].field' <<<"$body")" = "$(printf '%b' "${name//%/\\x}")" ] ||
			{ echo "$q: $body" >&2; false; }
	done
	req_a GET '/inbox?payload.a=1&payload.b=1&payload.c=1&payload.d=1'
	expect_error 422 VALIDATION_FAILED
	[ "$(jq -r '.error.details[0] | .field + ": " + .message' <<<"$body")" = "payload.d: at most 3 payload filters may be given" ]
	# a name or value the query string cannot carry is 400
	for q in "payload.$(head -c 129 /dev/zero | tr '\0' a)=1" 'payload.a=%00' \
		"payload.a=$(head -c 1025 /dev/zero | tr '\0' a)"; do
		req_a GET "/inbox?$q"
		expect_error 400 INVALID_PARAMETER
	done
	req_a GET '/inbox/stream?payload.a=1'
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
	# payload filters need no index: the same answers, without its help
	[ "$(found 'payload.ref=ref-7')" = '[61,62,63,64,65]' ]
	[ "$(found 'topic=pf&payload.customer.id=cus_1')" = '[51,53]' ]
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
