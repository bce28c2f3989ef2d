#!/bin/sh
# Worst-case stack depth of attention.h's public functions, from GCC's call
# graph (-fcallgraph-info=su): each function's static frame summed along the
# deepest call chain inside the library. Frames of libm / soft-float / libc
# routines at the bottom of a chain are not counted (they are not ours).
# usage: tools/stack_usage.sh CC "LABEL:FLAGS" ["LABEL:FLAGS" ...]
# prints a markdown table: one row per public function, one column per build.
set -eu
cc=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '#define ATTN_IMPLEMENTATION\n#include "attention.h"\n' > "$dir/impl.c"
n=0
for arg in "$@"; do
    flags=${arg#*:}
    n=$((n + 1))
    # shellcheck disable=SC2086
    $cc $flags -std=c99 -I. -fcallgraph-info=su -c "$dir/impl.c" -o "$dir/impl$n.o"
    # frame size of every function, then the deepest chain from each public one
    awk '
    function name(t) { sub(/^.*:/, "", t); return t }
    /^node:/ {
        t = $0; sub(/.*title: "/, "", t); sub(/".*/, "", t); t = name(t)
        if (match($0, /[0-9]+ bytes/)) frame[t] = substr($0, RSTART, RLENGTH) + 0
    }
    /^edge:/ {
        s = $0; sub(/.*sourcename: "/, "", s); sub(/".*/, "", s)
        d = $0; sub(/.*targetname: "/, "", d); sub(/".*/, "", d)
        s = name(s); d = name(d)
        if (!((s, d) in seen)) { seen[s, d] = 1; kids[s] = kids[s] " " d }
    }
    function depth(f,    k, i, best, x, list) {
        if (f in memo) return memo[f]
        best = 0
        k = split(kids[f], list, " ")
        for (i = 1; i <= k; i++) { x = depth(list[i]); if (x > best) best = x }
        return memo[f] = (f in frame ? frame[f] : 0) + best
    }
    END { for (f in frame) if (f ~ /^attn_[a-z]/) print f, depth(f) }
    ' "$dir/impl$n.ci" | sort > "$dir/depth$n.txt"
done
printf '| function |'; for arg in "$@"; do printf ' %s |' "${arg%%:*}"; done; printf '\n|---|'
for arg in "$@"; do printf -- '---:|'; done; printf '\n'
cut -d' ' -f1 "$dir/depth1.txt" | while read -r f; do
    printf '| `%s` |' "$f"
    i=1
    while [ $i -le $n ]; do printf ' %s |' "$(awk -v f="$f" '$1 == f {print $2}' "$dir/depth$i.txt")"; i=$((i + 1)); done
    printf '\n'
done
