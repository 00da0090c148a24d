#!/usr/bin/env bats
# The dashboard in a real browser: Debian's chromium driven by the npm
# package playwright-core. Each test runs one script from tests/browser/
# against a throwaway server, with its own tenant's key; the script exits
# non-zero with a one-line reason. Screenshots go to tests/output/.
# Needs: /usr/bin/chromium, node_modules (npm ci), www/vendor (make vendor).

load helpers/suite

setup_file() {
	export ZS_BIN=${ZS_BIN:-$BATS_TEST_DIRNAME/../build/bin}
	export ZS_OUTPUT=$BATS_TEST_DIRNAME/output
	local root=$BATS_TEST_DIRNAME/..
	[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
		{ echo "no chromium at ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium" >&2; return 1; }
	[ -f "$root/node_modules/playwright-core/package.json" ] ||
		{ echo "playwright-core is not installed: run npm ci" >&2; return 1; }
	[ -f "$root/www/vendor/uplot/uPlot.esm.js" ] ||
		{ echo "www/vendor is missing: run make vendor" >&2; return 1; }
	mkdir -p "$ZS_OUTPUT"
	# one tenant per test, so counts seen by one are not moved by another
	export API_KEYS=dev_key_123=tenant_dev,key_a=tenant_a,key_b=tenant_b,br_load=br_load,br_key=br_key,br_live=br_live,br_ack=br_ack,br_delete=br_delete,br_filters=br_filters,br_playground=br_playground,br_reconnect=br_reconnect,br_offline=br_offline,br_themes=br_themes,br_docs=br_docs,br_hooks=br_hooks,br_lease=br_lease,br_csp=br_csp,br_paging=br_paging,br_chart=br_chart
	export RATE_LIMIT_PER_MINUTE=1000000
	# an event's second lease dead-letters it (lease.mjs, themes.mjs)
	export MAX_DELIVERIES=1
	export WEBHOOK_SOURCES="gh:br_hooks:github:browser-secret:engineering;pay:br_hooks:stripe:whsec_browser"
	zs_start
}

# browser SCRIPT KEY: runs tests/browser/SCRIPT.mjs with that API key.
browser() {
	run env ZS_URL="$ZS_URL" ZS_KEY="$2" ZS_OUTPUT="$ZS_OUTPUT" \
		timeout 180 node "$BATS_TEST_DIRNAME/browser/$1.mjs"
	if [ "$status" -ne 0 ]; then
		echo "$output"
		return 1
	fi
}

# wait_file FILE SECONDS: waits for FILE to exist.
wait_file() {
	local _
	for _ in $(seq 1 $(($2 * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for $(basename "$1")" >&2
	return 1
}

@test "the dashboard loads with no console errors or failed requests, and shows the API's data" {
	browser load br_load
}

@test "the API-key box: empty without /dev-key.json, pre-filled with it, 'unknown API key' for a wrong key, kept in localStorage" {
	browser key br_key
}

@test "an event posted with curl appears in the live log within 2 s, and Enter shows its payload" {
	browser live br_live
}

@test "acknowledging an event in the UI changes its badge and the pending count" {
	browser ack br_ack
}

@test "deleting an event in the UI asks once more, then marks it deleted and lowers the total" {
	browser delete br_delete
}

@test "leased and dead events show live with their deliveries; Redrive makes a dead one pending, and a refused one says why" {
	browser lease br_lease
}

@test "the chart's range picker asks GET /stats?range= and redraws per minute, hour or day, whole bars, with a tooltip on hover and focus" {
	browser chart br_chart
}

@test "filters narrow the list and the live stream" {
	browser filters br_filters
}

@test "at phone width the list shows 10 events and pages with Show more, and the playground wraps long lines" {
	browser paging br_paging
}

@test "the playground checks JSON, sends an event (201), replays it with the idempotency key, and copies a working curl" {
	browser playground br_playground
}

@test "the webhook sources panel lists each source's URL without its secret, and a signed delivery to it appears live" {
	browser hooks br_hooks
}

@test "the status shows reconnecting while lighttpd is down; events posted meanwhile arrive after it restarts" {
	load helpers/restart
	local ctl=$BATS_TEST_TMPDIR/ctl pid id1 id2 rc=0
	mkdir -p "$ctl"
	ZS_CTL=$ctl ZS_URL=$ZS_URL ZS_KEY=br_reconnect ZS_OUTPUT=$ZS_OUTPUT \
		timeout 180 node "$BATS_TEST_DIRNAME/browser/reconnect.mjs" >"$ctl/log" 2>&1 3>&- &
	pid=$!
	if wait_file "$ctl/ready" 60 && zs_stop_lighttpd; then
		touch "$ctl/stopped"
		# while the page waits: events written with the responder run as
		# CGI, the way a cheap host without FastCGI would
		if wait_file "$ctl/reconnecting" 30 &&
			id1=$(zs_post_cgi br_reconnect '{"source":"outage","type":"while.down","payload":{"n":1}}') &&
			id2=$(zs_post_cgi br_reconnect '{"source":"outage","type":"while.down","payload":{"n":2}}'); then
			echo "$id1 $id2" >"$ctl/posted"
		else
			rc=1
		fi
	else
		rc=1
	fi
	# the server comes back whatever happened, for the tests after this one
	if ! curl -s -o /dev/null -m 2 "$ZS_URL/health"; then
		zs_start_lighttpd || rc=1
	fi
	touch "$ctl/restarted"
	wait "$pid" || rc=1
	cat "$ctl/log"
	[ "$rc" = 0 ]
}

@test "the status shows offline when the browser loses the network, and reconnects when it is back" {
	browser offline br_offline
}

@test "light and dark themes, phone width and keyboard focus; screenshots at 1280x800 and 390x844" {
	browser themes br_themes
}

@test "/docs: every endpoint, endpoints first, authorized with /dev-key.json only, Try it out twice on a fresh database, light and dark" {
	[ -f "$BATS_TEST_DIRNAME/../www/docs/index.html" ] ||
		skip "www/docs/index.html is not there yet"
	browser docs br_docs
}

@test "the dashboard and /docs come with the Content-Security-Policy and pass it: no violation while they are used" {
	browser csp br_csp
}
