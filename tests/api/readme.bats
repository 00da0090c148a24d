#!/usr/bin/env bats
# The README's curl examples work as pasted (against a test server instead
# of make dev's port 8000).

load ../helpers/suite

@test "every curl example in the README succeeds, in order" {
	load ../helpers/api
	{
		# every example must answer 2xx: curl fails the script otherwise
		echo 'curl() { command curl -sS --fail-with-body "$@"; }'
		awk '/^## The API by example/{on=1} /^### Replies/{on=0}
			on && /^```sh$/{f=1; next} /^```$/{f=0} on && f' "$ZS_ROOT/README.md"
	} | sed "s|http://localhost:8000|$ZS_URL|g" >"$BATS_TEST_TMPDIR/examples.sh"
	[ "$(grep -c 'curl ' "$BATS_TEST_TMPDIR/examples.sh")" -ge 8 ]
	run bash -e "$BATS_TEST_TMPDIR/examples.sh"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *'"status":"deleted"'* ]]
	[[ "$output" == *'"database":"ok"'* ]]
}
