#!/bin/sh
# g2p_report.sh BUILD_DIR SHORT:MACHINE... - runs the g2p firmware
# (BUILD_DIR/SHORT/g2p.elf and BUILD_DIR/SHORT-clang/g2p.elf, when built) on
# each QEMU machine under -icount shift=10,sleep=off and writes the table of
# instructions per generated token and per word (float and int8, both
# compilers), the accuracy, cache, arena and weight bytes into BENCHMARKS.md
# and README.md between the "g2p" markers. Fails if a run fails.
set -eu
B=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "float  ... 4348598 instructions per word, 487784 per generated token"
per_token() { sed -n "s/^$1 .* \([0-9][0-9]*\) per generated token.*/\1/p" "$2"; }
per_word() { sed -n "s/^$1 .* \([0-9][0-9]*\) instructions per word.*/\1/p" "$2"; }
commas() { echo "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
cell() { # TOKEN WORD -> "TOKEN (WORD)" or empty
    if [ -n "$1" ]; then echo "$(commas "$1") ($(commas "$2"))"; fi
}
{
    echo '| core | QEMU machine | float gcc | int8 gcc | float clang | int8 clang |'
    echo '|---|---|---:|---:|---:|---:|'
    for pair in "$@"; do
        short=${pair%%:*} machine=${pair#*:}
        row="| $short | \`$machine\` |"
        for dir in "$short" "$short-clang"; do
            elf=$B/$dir/g2p.elf
            if [ ! -f "$elf" ]; then row="$row | |"; continue; fi
            out=$tmp/$dir
            sh ports/cortex-m/run.sh "$machine" "$elf" 900 -icount shift=10,sleep=off > "$out" ||
                { echo "g2p: $dir failed" >&2; cat "$out" >&2; exit 1; }
            ft=$(per_token float "$out") fw=$(per_word float "$out")
            it=$(per_token int8 "$out") iw=$(per_word int8 "$out")
            [ -n "$it" ] || { echo "g2p: $dir printed no counts" >&2; exit 1; }
            f=$(cell "$ft" "$fw")
            row="$row ${f:-int8 only} | $(cell "$it" "$iw") |"
            [ "$dir" = "$short" ] && cp "$out" "$tmp/last"
        done
        echo "$row"
    done
} > "$tmp/table"
cat "$tmp/table"
# the accuracy and the bytes, from the host run (the same on every core)
./"$B"/g2p > "$tmp/host" || { cat "$tmp/host" >&2; exit 1; }
for file in BENCHMARKS.md README.md; do
    {
        echo "The 400 held-out words, greedy decoding with the KV cache (\`make g2p\`; the"
        echo "same outputs on every core, int8 bit for bit):"
        echo
        echo '```'
        grep -E '^(float|int8|weights)' "$tmp/host"
        echo '```'
        echo
        echo "Instructions per generated token (the encoder's work shared among the"
        echo "word's tokens; per word in parentheses), mean over the 400 words under"
        echo "\`qemu-system-arm -icount shift=10,sleep=off\`, gcc 12 and clang 14 \`-O2\`"
        echo "(the micro:bit: int8 only, \`-Os\` / \`-Oz\`, its 256 KB of flash). Regenerate"
        echo "with \`make bench\`."
        echo
        cat "$tmp/table"
    } | sh tools/md_section.sh "$file" g2p
done
