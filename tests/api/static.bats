#!/usr/bin/env bats
# The static files (dashboard, /docs, /openapi.yaml): the security headers
# on every one, with the exact values, and dotfiles never served. Runs
# against whichever server ZS_SERVER names (tests/run-all runs all three),
# so lighttpd.conf, deploy/apache/zapstream.conf and deploy/cgi/htaccess
# are each checked.

# The values docs/deployment.md explains; the three configurations must
# say the same (the last test).
CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
declare -gA WANT=(
	[content-security-policy]=$CSP
	[x-frame-options]=DENY
	[x-content-type-options]=nosniff
	[referrer-policy]=no-referrer
)

setup_file() {
	load ../helpers/api
	# a dot-directory beside the vendored files (www/vendor is made by
	# make vendor and not committed; under CGI the site links to it)
	if [ -d "$ZS_ROOT/www/vendor" ]; then
		mkdir -p "$ZS_ROOT/www/vendor/.zs-test-dotdir"
		echo secret >"$ZS_ROOT/www/vendor/.zs-test-dotdir/file.txt"
		chmod -R a+rX "$ZS_ROOT/www/vendor/.zs-test-dotdir"
	fi
	zs_start
}

teardown_file() {
	load ../helpers/api
	zs_stop_all
	rm -rf "$ZS_ROOT/www/vendor/.zs-test-dotdir"
}

setup() {
	load ../helpers/api
}

# expect_security_headers: the reply has each header once, with its value.
expect_security_headers() {
	local name n
	[ "${#WANT[@]}" = 4 ] || { echo "WANT is not set" >&2; return 1; }
	for name in "${!WANT[@]}"; do
		n=$(grep -ci "^$name:" <<<"$headers" || :)
		[ "$n" = 1 ] || { echo "$name appears $n times" >&2; return 1; }
		[ "$(header "$name")" = "${WANT[$name]}" ] ||
			{ echo "$name: '$(header "$name")', want '${WANT[$name]}'" >&2; return 1; }
	done
}

@test "every static file carries the security headers, with the exact values" {
	local p
	for p in / /index.html /docs/ /docs/docs.js /docs/docs.css /js/app.js /css/app.css /openapi.yaml /favicon.svg; do
		req GET "$p"
		[ "$status_code" = 200 ] || { echo "GET $p: $status_code" >&2; return 1; }
		expect_security_headers || { echo "on GET $p" >&2; return 1; }
	done
}

@test "the vendored uPlot and Swagger UI files carry them too" {
	[ -d "$ZS_ROOT/www/vendor" ] || skip "www/vendor is missing: run make vendor"
	local p
	for p in /vendor/uplot/uPlot.esm.js /vendor/swagger-ui/swagger-ui-bundle.js /vendor/swagger-ui/swagger-ui.css; do
		req GET "$p"
		[ "$status_code" = 200 ] || { echo "GET $p: $status_code" >&2; return 1; }
		expect_security_headers || { echo "on GET $p" >&2; return 1; }
	done
}

@test "the redirect from /docs to /docs/ carries them" {
	req GET /docs
	[ "$status_code" = 301 ]
	[[ "$(header location)" == */docs/ ]]
	expect_security_headers
}

@test "the API's replies keep their own headers, not the dashboard's policy" {
	req GET /health
	[ "$status_code" = 200 ]
	[ "$(header content-security-policy)" != "$CSP" ]
	req_a GET /inbox
	[ "$status_code" = 200 ]
	[ "$(header content-security-policy)" != "$CSP" ]
	[ "$(header content-type)" = application/json ]
}

# expect_denied PATH: 403, or the API's JSON 404 (never the file).
expect_denied() {
	req GET "$1" --path-as-is
	case $status_code in
	403) ;;
	404) expect_error 404 NOT_FOUND || { echo "GET $1: a 404 not in JSON" >&2; return 1; } ;;
	*) echo "GET $1 answered $status_code: $body" >&2; return 1 ;;
	esac
	[[ "$body" != *secret* ]]
}

@test "dotfiles and dot-directories under www/ are denied" {
	[ -f "$ZS_ROOT/www/vendor/.stamp" ] || skip "www/vendor is missing: run make vendor"
	local p
	for p in /.htaccess /.stamp /vendor/.stamp /.git/config /.git/HEAD \
		/vendor/.zs-test-dotdir/file.txt /vendor/.zs-test-dotdir/ \
		/vendor/%2Estamp /vendor/%2ezs-test-dotdir/file.txt \
		/docs/../vendor/.stamp /vendor/./.stamp; do
		expect_denied "$p" || return 1
	done
	# the files next to them are still served
	req GET /vendor/uplot/uPlot.min.css
	[ "$status_code" = 200 ]
}

@test "lighttpd, Apache and the CGI .htaccess send the same headers" {
	local f
	for f in lighttpd.conf deploy/apache/zapstream.conf deploy/cgi/htaccess; do
		grep -qF "\"$CSP\"" "$ZS_ROOT/$f" || { echo "$f: not the policy of this test" >&2; return 1; }
		grep -qE 'X-Frame-Options"? +(=> +)?"DENY"' "$ZS_ROOT/$f" || { echo "$f: X-Frame-Options" >&2; return 1; }
		grep -qE 'X-Content-Type-Options"? +(=> +)?"nosniff"' "$ZS_ROOT/$f" || { echo "$f: X-Content-Type-Options" >&2; return 1; }
		grep -qE 'Referrer-Policy"? +(=> +)?"no-referrer"' "$ZS_ROOT/$f" || { echo "$f: Referrer-Policy" >&2; return 1; }
	done
}
