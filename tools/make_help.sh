#!/bin/sh
# make_help.sh [--check] [MAKEFILE] - the targets the Makefile's header
# comment lists, one line each ("#   make TARGET   what it does"): printed for
# `make help`. With --check: exits 1, naming them, unless that list names
# every .PHONY target of the Makefile (as GNU make reads it, generated rules
# included) and nothing that is not one. BOARD in a listed name stands for
# each of the Makefile's BOARDS, with or without -clang (test-BOARD:
# test-m0 ... test-m55-clang), and each of its RV_BOARDS (test-rv32imac).
set -eu
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
mf=${1:-Makefile}
listed=$(sed -n 's/^#   make \([^ ]*\) .*/\1/p' "$mf")
if [ "$check" -eq 0 ]; then # the target lines and the note after them
    sed -n 's/^#   \(make \|(\)/\1/p' "$mf"
    exit 0
fi
db=$(mktemp)
trap 'rm -f "$db"' EXIT
# make's database without running anything (-q, the target ":" does not
# exist); the rules follow the "# Files" line, variables come before it
MAKEFLAGS='' make -pRrq -f "$mf" : > "$db" 2>/dev/null || true
boards="$(sed -n 's/^BOARDS :*= //p' "$db" | head -n 1) $(sed -n 's/^RV_BOARDS :*= //p' "$db" | head -n 1)"
phony=$(awk '/^# Files/ { files = 1 } files && /^\.PHONY: / { sub(/^\.PHONY: /, ""); print }' "$db" |
    tr ' ' '\n' | sed '/^$/d')
[ -n "$phony" ] && [ -n "$boards" ] || { echo "make_help: cannot read $mf's targets" >&2; exit 1; }
# a board's target as its listed form: test-m4-clang -> test-BOARD
pattern=$(printf '%s\n' $boards | paste -sd'|' -)
phony_listed=$(printf '%s\n' "$phony" | sed -E "s/-($pattern)(-clang)?\$/-BOARD/" | sort -u)
missing=$(printf '%s\n' "$phony_listed" | while read -r t; do
    printf '%s\n' "$listed" | grep -qxF "$t" || printf ' %s' "$t"; done)
stale=$(printf '%s\n' "$listed" | while read -r t; do
    printf '%s\n' "$phony_listed" | grep -qxF "$t" || printf ' %s' "$t"; done)
[ -z "$missing" ] || echo "make_help: .PHONY targets missing from $mf's header comment:$missing" >&2
[ -z "$stale" ] || echo "make_help: listed in $mf's header comment but not .PHONY targets:$stale" >&2
[ -z "$missing" ] && [ -z "$stale" ]
