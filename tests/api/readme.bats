#!/usr/bin/env bats
# The curl examples of the README's tour and of docs/api.md work as pasted
# (against a test server instead of make dev's port 8000).

load ../helpers/suite

# run_examples FILE FROM TO: runs the ```sh blocks of FILE between the
# heading line FROM and the heading line TO, in order, as one script, and
# checks what every set of examples must show: at least 8 curl commands,
# each answering 2xx, a deletion and a healthy database.
run_examples() {
	local file=$ZS_ROOT/$1 script=$BATS_TEST_TMPDIR/examples.sh
	grep -qxF "$2" "$file"
	grep -qxF "$3" "$file"
	{
		# every example must answer 2xx: curl fails the script otherwise
		echo 'curl() { command curl -sS --fail-with-body "$@"; }'
		awk -v from="$2" -v to="$3" '$0 == from {on=1; next} $0 == to {on=0}
			on && /^```sh$/ {f=1; next} /^```$/ {f=0} on && f' "$file"
	} | sed "s|http://localhost:8000|$ZS_URL|g" >"$script"
	[ "$(grep -c 'curl ' "$script")" -ge 8 ]
	run bash -e "$script"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *'"status":"deleted"'* ]]
	[[ "$output" == *'"database":"ok"'* ]]
}

@test "every curl example of the README's tour succeeds, in order" {
	run_examples README.md "## A five-minute tour" "## The dashboard"
}

@test "every curl example of docs/api.md succeeds, in order" {
	run_examples docs/api.md "## The API by example" "## Replies"
	# the retry shows what the text says: 200 and Idempotent-Replayed
	grep -q '^HTTP/[0-9.]* 200' <<<"$output"
	grep -qi '^Idempotent-Replayed: true' <<<"$output"
}

# doc_block FILE N: the Nth ```sh block of FILE, indented ones (in a list)
# too, without the indentation.
doc_block() {
	awk -v n="$2" '/^ *```sh$/ { if (++i == n) { on = 1; ind = index($0, "`") - 1 }; next }
		on && /^ *```$/ { exit } on { print substr($0, ind + 1) }' "$ZS_ROOT/$1"
}

# doc_script FILE N: that block as a script for this test's server: the
# programs are ZS_BIN's, and make stands for what its hooks target runs.
doc_script() {
	cat <<-'EOF'
	curl() { command curl -sS --fail-with-body "$@"; }
	make() {
		[ "$1" = -s ] && shift
		[ "$*" = hooks ] || { echo "make $*: not in this test" >&2; return 1; }
		PUBLIC_URL=${PUBLIC_URL:-$ZS_URL} "$ZS_BIN/zs-admin" hooks
	}
	EOF
	sed 's|build/bin/zs-admin|"$ZS_BIN/zs-admin"|g' "$@"
}

@test "docs/webhooks.md's GitHub and Stripe commands work as pasted" {
	local dir=$BATS_TEST_TMPDIR/wh
	mkdir -p "$dir/data"
	cd "$dir"
	# step 2 on the inbox of a server without sources
	ZS_DATABASE_PATH=$dir/data/events.db zs_start
	doc_block docs/webhooks.md 1 >step2.sh
	grep -q 'hook-add github' step2.sh
	{ doc_script step2.sh; echo 'declare -p SECRET >secret.sh'; } >run2.sh
	run bash -e run2.sh
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" =~ $'\n'"github"$'\t'"tenant_dev"$'\t'"github"$'\t'"engineering"$'\t'"https://events.example.com/hooks/"[A-Za-z0-9_-]{32} ]]
	# Stripe's step 1, inline, in the same shell (WEBHOOK_SOURCES_FILE set)
	export WEBHOOK_SOURCES_FILE=$dir/data/webhooks.conf
	grep -o 'echo placeholder | build/bin/zs-admin hook-add [^`]*' \
		"$ZS_ROOT/docs/webhooks.md" >stripe1.sh
	[ -s stripe1.sh ]
	doc_script stripe1.sh >run1.sh
	bash -e run1.sh
	# restarted, as the text says, on the same inbox
	zs_stop
	zs_on_sqlite || export ZS_DATABASE_URL=$DATABASE_URL
	ZS_DATABASE_PATH=$dir/data/events.db zs_start
	# the signed delivery, in the shell of step 2
	doc_block docs/webhooks.md 2 >try.sh
	grep -q 'X-Hub-Signature-256' try.sh
	{ echo 'source ./secret.sh'; doc_script try.sh; } >run3.sh
	run bash -e run3.sh
	echo "$output"
	[ "$status" = 0 ]
	grep -q '^HTTP/[0-9.]* 201' <<<"$output"
	req GET '/inbox?source=github' -H 'X-API-Key: dev_key_123'
	[ "$(jq -r '.events[0].type' <<<"$body")" = pull_request.opened ]
	# stripe listen, with a stand-in that prints where it would forward
	grep -x 'stripe listen .*' "$ZS_ROOT/docs/webhooks.md" >listen.sh
	{ echo 'stripe() { [ "$1 $2" = "listen --forward-to" ] && echo "$3"; }'; doc_script listen.sh; } >run4.sh
	run bash -e run4.sh
	[[ "$output" =~ ^"$ZS_URL/hooks/"[A-Za-z0-9_-]{32}$ ]]
	unset ZS_DATABASE_URL
	zs_stop
}
