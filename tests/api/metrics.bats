#!/usr/bin/env bats
# GET /metrics (zs-metrics): the Prometheus text format after a scripted
# workload (7 posted, 3 acknowledged, 2 leased, 1 dead-lettered, 1 webhook
# rejected), who may read it, promtool, and a real Prometheus scraping it.

GITHUB_SECRET="It's a Secret to Everybody"

load ../helpers/suite

setup_file() {
	export MAX_DELIVERIES=1
	export WEBHOOK_SOURCES="github:tenant_a:github:$GITHUB_SECRET"
	zs_start
	req_a GET /hooks
	export TOK=$(jq -r '.sources[0].path' <<<"$body")
	local i id
	for i in 1 2 3; do
		id=$(new_event '{"topic":"ack","payload":{}}')
		req_a POST "/inbox/$id/ack" -H 'Content-Type: application/json' \
			--data-binary '{}'
		[ "$status_code" = 200 ] || return 1
	done
	new_event '{"topic":"lease","payload":{}}' >/dev/null
	new_event '{"topic":"lease","payload":{}}' >/dev/null
	new_event '{"topic":"dead","payload":{}}' >/dev/null
	new_event '{"topic":"wait","payload":{}}' >/dev/null
	req_a POST /inbox/lease -H 'Content-Type: application/json' \
		--data-binary '{"topic":"dead","visibility_timeout":1}'
	sleep 1.1
	# a second lease would exceed MAX_DELIVERIES: the event is dead
	req_a POST /inbox/lease -H 'Content-Type: application/json' \
		--data-binary '{"topic":"dead"}'
	req_a POST /inbox/lease -H 'Content-Type: application/json' \
		--data-binary '{"topic":"lease","limit":2,"visibility_timeout":600}'
	req POST "$TOK" -H 'Content-Type: application/json' \
		-H 'X-Hub-Signature-256: sha256=00' -H 'X-GitHub-Event: push' \
		--data-binary '{"a":1}'
	# the queue gauges are kept for 2 s: read them only after the workload
	sleep 2.1
}

# metric LINE-PREFIX: the value of the series line starting so.
metric() {
	awk -v p="$1 " 'index($0, p) == 1 { print $NF; exit }' <<<"$body"
}

@test "the counters and gauges say what the workload did" {
	req GET /metrics
	[ "$status_code" = 200 ]
	[[ "$headers" == *"content-type: text/plain; version=0.0.4; charset=utf-8"* ]]
	[ "$(metric 'zapstream_events_ingested_total{tenant="tenant_a"}')" = 7 ]
	[ "$(metric 'zapstream_events_acknowledged_total{tenant="tenant_a"}')" = 3 ]
	[ "$(metric 'zapstream_events_dead_lettered_total{tenant="tenant_a"}')" = 1 ]
	[ "$(metric 'zapstream_queue_events{tenant="tenant_a",group="default",status="pending"}')" = 1 ]
	[ "$(metric 'zapstream_queue_events{tenant="tenant_a",group="default",status="leased"}')" = 2 ]
	[ "$(metric 'zapstream_queue_events{tenant="tenant_a",group="default",status="dead"}')" = 1 ]
	[ "$(metric 'zapstream_queue_events{tenant="tenant_a",group="default",status="acknowledged"}')" = 3 ]
	[ "$(metric 'zapstream_leases_in_flight{tenant="tenant_a"}')" = 2 ]
	[ "$(metric 'zapstream_webhook_deliveries_total{source="github",result="rejected",reason="bad_signature"}')" = 1 ]
	[ "$(metric 'zapstream_http_requests_total{route="/events",code="2xx"}')" = 7 ]
	[ "$(metric 'zapstream_http_requests_total{route="/hooks/{id}",code="4xx"}')" = 1 ]
	[ "$(metric 'zapstream_http_request_duration_seconds_count{route="/inbox/lease"}')" = 3 ]
	[ "$(metric 'zapstream_database_up')" = 1 ]
	[ "$(metric 'zapstream_open_streams')" = 0 ]
	# the PostgreSQL connection counters are there on either backend
	# (always 0 on SQLite; tests/pgfaults.bats makes them move)
	for m in connection_errors reconnects notify_wakeups; do
		[[ "$(metric "zapstream_pg_${m}_total")" =~ ^[0-9]+$ ]]
		if zs_on_sqlite; then
			[ "$(metric "zapstream_pg_${m}_total")" = 0 ]
		fi
	done
	age=$(metric 'zapstream_oldest_pending_age_seconds{tenant="tenant_a",group="default"}')
	awk -v a="$age" 'BEGIN { exit !(a >= 2 && a < 60) }'
}

@test "/stats agrees with the queue gauges" {
	req_a GET /stats
	[ "$(jq -c '[.pending, .leased, .dead, .acknowledged]' <<<"$body")" = '[1,2,1,3]' ]
}

@test "promtool check metrics passes on the output" {
	command -v promtool >/dev/null || skip "promtool is not installed (Debian package prometheus)"
	curl -fsS "$ZS_URL/metrics" | promtool check metrics
}

@test "a real Prometheus scrapes it and answers a PromQL query" {
	command -v prometheus >/dev/null || skip "prometheus is not installed (Debian package prometheus)"
	local port dir pid n i
	dir=$ZS_DIR/prom
	mkdir -p "$dir"
	port=$((20000 + RANDOM % 40000))
	sed "s|127.0.0.1:8000|${ZS_URL#http://}|" "$ZS_ROOT/deploy/prometheus/prometheus.yml" >"$dir/prometheus.yml"
	prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
	pid=$!
	n=
	for i in $(seq 1 60); do
		n=$(curl -fsS "http://127.0.0.1:$port/api/v1/query?query=zapstream_events_ingested_total" 2>/dev/null |
			jq -r '.data.result[] | select(.metric.tenant == "tenant_a") | .value[1]' 2>/dev/null) || true
		[ -n "$n" ] && break
		sleep 0.5
	done
	kill "$pid"
	wait "$pid" || true
	[ "$n" = 7 ]
}

@test "zs-admin status (make status) agrees with /stats, per tenant" {
	for i in 1 2; do new_event '{"topic":"st","payload":{}}' >/dev/null; done
	req_a GET /stats
	want=$(jq -r '"\(.pending) \(.leased) \(.dead) \(.acknowledged)"' <<<"$body")
	run "$ZS_BIN/zs-admin" status
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "tenant "*"pending"*"leased"*"dead"*"acknowledged"*"oldest_s" ]]
	got=$(awk '$1 == "tenant_a" && $2 == "default" { print $3, $4, $5, $6 }' <<<"$output")
	[ "$got" = "$want" ]
	[ "$got" != "0 0 0 0" ]
}

@test "the Grafana dashboard parses and uses only series /metrics has" {
	req GET /metrics
	jq -e .panels "$ZS_ROOT/deploy/grafana/zapstream.json" >/dev/null
	used=$(jq -r '.panels[].targets[].expr' "$ZS_ROOT/deploy/grafana/zapstream.json" |
		grep -o 'zapstream_[a-z_]*' | sort -u)
	[ -n "$used" ]
	for s in $used; do
		grep -q "^# TYPE ${s%_bucket} \|^# TYPE ${s%_sum} \|^# TYPE ${s%_count} \|^# TYPE $s " <<<"$body" ||
			{ echo "not in /metrics: $s"; return 1; }
	done
}

@test "without METRICS_TOKEN only loopback clients are answered (CGI)" {
	run_metrics() {
		env -i PATH="$PATH" DATABASE_PATH="$DATABASE_PATH" DATABASE_URL="${DATABASE_URL:-}" \
			STORAGE_BACKEND="${STORAGE_BACKEND:-sqlite}" API_KEYS="$API_KEYS" \
			GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI=/metrics \
			REMOTE_ADDR="$1" "$ZS_BIN/zs-metrics" | tr -d '\r'
	}
	out=$(run_metrics 10.0.0.1)
	[[ "$out" == "Status: 403 Forbidden"* ]]
	[[ "$out" == *'"code":"FORBIDDEN"'* ]]
	out=$(run_metrics 127.0.0.1)
	[[ "$out" == "Status: 200 OK"* ]]
	out=$(run_metrics ::1)
	[[ "$out" == "Status: 200 OK"* ]]
}

@test "with METRICS_TOKEN a request without it or with a wrong one is 401" {
	zs_stop
	METRICS_TOKEN=metrics_token_0123456789 zs_start
	req GET /metrics
	[ "$status_code" = 401 ]
	[ "$(jq -r .error.code <<<"$body")" = UNAUTHORIZED ]
	req GET /metrics -H "Authorization: Bearer metrics_token_012345678X"
	[ "$status_code" = 401 ]
	req GET /metrics -H "Authorization: Bearer $KEY_A"
	[ "$status_code" = 401 ]
	req GET /metrics -H "Authorization: Bearer metrics_token_0123456789"
	[ "$status_code" = 200 ]
}
