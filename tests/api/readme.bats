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
}
