# One throwaway server for a whole bats file, and the API helpers in every
# test. A bats file loads it once, at its top level:
#   load ../helpers/suite        (helpers/suite from tests/ itself)
# bats sources the file again for setup_file, for each test and for
# teardown_file, so api.bash (req, new_event, zs_start...) is there in each.
# setup_file starts the server; teardown_file stops it, and any server a
# test started, with zs_stop_all. A file whose server needs other settings
# defines its own setup_file after the load, which replaces this one:
#   setup_file() { MAX_DELIVERIES=3 zs_start; }
# shellcheck source=api.bash
source "$(dirname "${BASH_SOURCE[0]}")/api.bash"

setup_file() {
	zs_start
}

teardown_file() {
	zs_stop_all
}
