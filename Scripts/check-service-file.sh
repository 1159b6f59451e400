#!/usr/bin/env bash
# Checks Packaging/suitebridge.service with `systemd-analyze verify`, its ExecStart pointed at BINARY (the unit names
# /usr/local/bin/suitebridge, which a CI machine lacks), and that the command line it runs is one `serve` accepts.
# Usage: Scripts/check-service-file.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/debug/suitebridge}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/suitebridge#$binary#" Packaging/suitebridge.service > "$work/suitebridge.service"
output=$(systemd-analyze verify "$work/suitebridge.service" 2>&1 || true)
# Only findings about this unit count (the machine's own units may have warnings of their own).
if echo "$output" | grep -q "suitebridge.service"; then
    echo "$output"
    echo "Packaging/suitebridge.service: systemd-analyze verify reported the above" >&2
    exit 1
fi
# Every option the unit passes is one `serve` has.
help=$("$binary" serve --help)
for option in $(grep '^ExecStart=' Packaging/suitebridge.service | grep -o -- '--[a-z-]*'); do
    if ! echo "$help" | grep -q -- "$option"; then
        echo "Packaging/suitebridge.service: serve has no option $option" >&2
        exit 1
    fi
done
echo "Packaging/suitebridge.service verifies"
