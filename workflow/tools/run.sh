#!/usr/bin/env bash
# Runs a workflow tool with the system node, installing the pinned npm packages first if needed.
#   tools/run.sh validate <dir|file>...     asl-validator on every *.asl.json
#   tools/run.sh crosscheck <def> <scenario> <substitutions>
set -euo pipefail
export CALLER_DIR=$PWD
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "node (Node.js 20+) is required for the workflow tools" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error >&2
tool=$1
shift
exec node "$tool.mjs" "$@"
