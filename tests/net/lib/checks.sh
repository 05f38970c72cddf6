# shellcheck shell=bash
# checks.sh — soft failures for network test scripts: a check that fails is
# reported and counted, the script goes on (so one run shows every problem),
# and checks_finish gives the verdict as the exit status.
#
# Usage:
#   source "$here/lib/checks.sh"
#   [[ $x == 1 ]] || fail "x is $x, want 1"
#   checks_finish ternd_pair_test [hint for the reader of a failure]

failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# checks_finish NAME [HINT] — exit 1 with a count when a check failed, else
# print "NAME: all passed".
checks_finish() {
  if ((failures)); then
    echo "$1: $failures failure(s)${2:+; $2}" >&2
    exit 1
  fi
  echo "$1: all passed"
}
