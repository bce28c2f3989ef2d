#!/bin/sh
# Every public function of attention.h (each ATTN_DEF declaration) must have
# bad-input rows: compares the header's names with the list the test runner
# prints (test-gcc --bad-input-functions, from the engine's tables) and names
# the functions without rows. Exit status 0 when none is missing.
# usage: tests/bad_input_coverage.sh HEADER RUNNER
hdr=${1:-attention.h}
runner=${2:-build/test-gcc}
public=$(grep -oE '^ATTN_DEF [^(]*' "$hdr" | grep -oE 'attn_[A-Za-z0-9_]+$' | sort -u)
covered=$("$runner" --bad-input-functions | sort -u) || exit 1
[ -n "$public" ] && [ -n "$covered" ] || { echo "no names found"; exit 1; }
missing=$(printf '%s\n' "$public" | while read -r f; do
    printf '%s\n' "$covered" | grep -qx "$f" || printf '%s ' "$f"
done)
n=$(printf '%s\n' "$public" | wc -l)
if [ -n "$missing" ]; then
    echo "bad input: no rows for: $missing"
    exit 1
fi
echo "bad input: all $n public functions of $hdr have rows"
