#!/bin/sh
# md_section.sh FILE NAME < content: replace the text between the lines
# "<!-- NAME:begin -->" and "<!-- NAME:end -->" in FILE with stdin, or
# append the marked section when FILE does not have it yet.
set -eu
file=$1 name=$2
new=$(mktemp)
cat > "$new"
[ -s "$new" ] || { echo "md_section: nothing to write for $name" >&2; rm -f "$new"; exit 1; }
if grep -q "^<!-- $name:begin -->\$" "$file"; then
    awk -v name="$name" -v new="$new" '
        $0 == "<!-- " name ":begin -->" { print; while ((getline l < new) > 0) print l; skip = 1; next }
        $0 == "<!-- " name ":end -->" { skip = 0 }
        !skip' "$file" > "$file.tmp"
    mv "$file.tmp" "$file"
else
    { printf '\n<!-- %s:begin -->\n' "$name"; cat "$new"; printf '<!-- %s:end -->\n' "$name"; } >> "$file"
fi
rm -f "$new"
