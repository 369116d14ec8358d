#!/bin/sh
# Writes a C file holding every schema/NNN_*.sql migration as a string, in
# order, so the binary carries its own migrations.  Usage: embed-schema.sh OUT
set -eu
out=$1
{
	echo "/* Generated from the schema folder by scripts/embed-schema.sh; do not edit. */"
	echo "#include \"store/migrate.h\""
	echo "const fk_migration fk_migrations[] = {"
	for f in schema/[0-9][0-9][0-9]_*.sql; do
		n=$(basename "$f" | cut -c1-3 | sed 's/^0*//')
		printf '\t{ %s, "%s",\n' "$n" "$(basename "$f")"
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
		printf '\t},\n'
	done
	echo "\t{ 0, 0, 0 }"
	echo "};"
} > "$out.tmp"
mv "$out.tmp" "$out"
