# Stops and restarts the lighttpd of a server started by zs_start (from
# server.bash), on the SAME port with the SAME directory and database, for
# tests of what clients see while the server is away. Also posts events
# while it is down, through the responder run as plain CGI.
#   zs_stop_lighttpd      stop lighttpd (and so its responders); keep ZS_DIR
#   zs_start_lighttpd     start it again on the port of ZS_URL
#   zs_post_cgi KEY JSON  POST /events without a web server; prints the id
# shellcheck source=server.bash
source "$(dirname "${BASH_SOURCE[0]}")/server.bash"

# zs__gone PID: the process is gone (or a zombie nobody reaped yet: bats
# started it in setup_file, so this test's shell cannot wait for it).
zs__gone() {
	local state
	state=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ "$state" == Z* ]]
}

zs_stop_lighttpd() {
	local _
	[ -n "${ZS_LIGHTTPD_PID:-}" ] || { echo "zs_stop_lighttpd: no server" >&2; return 1; }
	kill "$ZS_LIGHTTPD_PID" 2>/dev/null || :
	for _ in $(seq 1 50); do
		zs__gone "$ZS_LIGHTTPD_PID" && break
		sleep 0.1
	done
	zs__gone "$ZS_LIGHTTPD_PID" || kill -9 "$ZS_LIGHTTPD_PID" 2>/dev/null || :
	# down means: nothing answers on the port any more
	for _ in $(seq 1 50); do
		curl -s -o /dev/null -m 1 "$ZS_URL/health" || return 0
		sleep 0.1
	done
	echo "zs_stop_lighttpd: $ZS_URL still answers" >&2
	return 1
}

zs_start_lighttpd() {
	local old=${ZS_LIGHTTPD_PID:-} reg _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		zs_exec_lighttpd "${ZS_URL##*:}" &
		ZS_LIGHTTPD_PID=$!
		export ZS_LIGHTTPD_PID
		# the registry names the new process, so zs_stop_all stops it
		reg=$(zs_registry)
		if [ -n "$old" ] && [ -f "$reg" ]; then
			sed -i "s|^$old |$ZS_LIGHTTPD_PID |" "$reg"
		else
			echo "$ZS_LIGHTTPD_PID $ZS_DIR" >>"$reg"
		fi
		old=$ZS_LIGHTTPD_PID
		zs_wait_healthy && return 0
		# the port may still be held for a moment: try again
		kill "$ZS_LIGHTTPD_PID" 2>/dev/null || :
		sleep 0.5
	done
	tail -n 20 "$ZS_LOG" >&2
	return 1
}

# zs_post_cgi KEY JSON: runs zs-events as a CGI program on the server's
# database (as cheap hosts do) and prints the new event's id.
zs_post_cgi() {
	local key=$1 body=$2 out
	out=$(printf '%s' "$body" | env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
		REQUEST_URI=/events SCRIPT_NAME=/events QUERY_STRING= \
		CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
		HTTP_X_API_KEY="$key" "$ZS_BIN/zs-events" | tr -d '\r')
	[[ "$out" == "Status: 201"* ]] || { echo "zs_post_cgi: $out" >&2; return 1; }
	tail -n 1 <<<"$out" | jq -r .id
}
