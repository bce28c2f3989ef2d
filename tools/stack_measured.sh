#!/bin/sh
# stack_measured.sh BUILD_DIR "LABEL=DIR/PROG:MACHINE"... - runs each painted-
# stack program (bench/stack_mcu.c, built as BUILD_DIR/DIR/PROG.elf) on its
# QEMU machine and prints a markdown table: one row per public function, one
# column per LABEL (its bytes), then the worst inference function and the
# worst model quantizer of each build; a build over STACK_BOUND or
# STACK_BOUND_QUANT (environment) is named on stderr. A run without figures,
# or with a call that did not return ATTN_OK, is an error.
set -eu
B=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 status=0
for arg in "$@"; do
    n=$((n + 1))
    label=${arg%%=*} rest=${arg#*=}
    prog=${rest%%:*} machine=${rest#*:}
    sh ports/cortex-m/run.sh "$machine" "$B/$prog.elf" 600 > "$tmp/out$n" 2>&1 || true
    if ! grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out$n" || grep -q 'CALL FAILED\|setup call failed\|end of the' "$tmp/out$n"; then
        echo "stack_measured: $label ($B/$prog.elf on $machine) gave no figures:" >&2
        cat "$tmp/out$n" >&2
        status=1
    fi
    # over the documented bounds (STACK_BOUND, STACK_BOUND_QUANT): said, not refused
    awk -v b="${STACK_BOUND:-}" -v q="${STACK_BOUND_QUANT:-}" -v l="$label" '
        /^stack worst inference: / && b != "" && $5 + 0 > b + 0 { print "stack_measured: " l ": " $4 " " $5 " bytes, over STACK_BOUND " b }
        /^stack worst quantizer: / && q != "" && $5 + 0 > q + 0 { print "stack_measured: " l ": " $4 " " $5 " bytes, over STACK_BOUND_QUANT " q }' \
        "$tmp/out$n" >&2
    sed -n 's/^stack \(attn_[a-z0-9_]*\): \([0-9]*\) bytes.*/\1 \2/p' "$tmp/out$n" > "$tmp/fig$n"
    printf '%s\n' "$label" > "$tmp/label$n"
done
[ "$status" -eq 0 ] || exit 1
printf '| function |'; i=1; while [ $i -le $n ]; do printf ' %s |' "$(cat "$tmp/label$i")"; i=$((i + 1)); done
printf '\n|---|'; i=1; while [ $i -le $n ]; do printf -- '---:|'; i=$((i + 1)); done; printf '\n'
cut -d' ' -f1 "$tmp/fig1" | sort | while read -r f; do
    printf '| `%s` |' "$f"
    i=1
    while [ $i -le $n ]; do printf ' %s |' "$(awk -v f="$f" '$1 == f {print $2}' "$tmp/fig$i")"; i=$((i + 1)); done
    printf '\n'
done
for kind in inference quantizer; do
    printf '| **worst %s** |' "$kind"
    i=1
    while [ $i -le $n ]; do
        sed -n "s/^stack worst $kind: \\(attn_[a-z0-9_]*\\) \\([0-9]*\\) bytes.*/ **\\2** (\`\\1\`) |/p" "$tmp/out$i" | tr -d '\n'
        i=$((i + 1))
    done
    printf '\n'
done
