#!/bin/sh
# Opens a cxray DuckDB file without cxray, through DuckDB's official Node.js
# client (@duckdb/node-api from the npm registry; it ships a prebuilt DuckDB,
# nothing is compiled), to check that the file is plain DuckDB.
#
#   scripts/open-with-node.sh cxray.duckdb                 # every table and view
#   scripts/open-with-node.sh cxray.duckdb "SELECT ..."    # your queries
#
# The client is installed once into $CXRAY_NODE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/cxray-node), never into the project. Without
# node and npm it says so and exits 0: it is a check, not part of the build.
# The file is opened read-only, so it works between the checkpoints of a running cxray.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 FILE.duckdb [SQL ...]" >&2
	exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "skipped: node and npm are needed (e.g. apt-get install nodejs npm)" >&2
	exit 0
fi
db=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ ! -f "$db" ]; then
	echo "$1: no such file" >&2
	exit 1
fi
shift
dir=${CXRAY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cxray-node}
mkdir -p "$dir"
if [ ! -d "$dir/node_modules/@duckdb/node-api" ]; then
	(cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
		npm install --no-audit --no-fund @duckdb/node-api >&2)
fi
cat >"$dir/open.mjs" <<'JS'
import { DuckDBInstance } from '@duckdb/node-api';
const [path, ...queries] = process.argv.slice(2);
const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
async function show(q) {
  const rows = (await conn.runAndReadAll(q)).getRowObjectsJson();
  console.log(`-- ${q}: ${rows.length} rows`);
  if (rows.length > 0) console.table(rows);
}
const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v;
console.log(`DuckDB ${version} (@duckdb/node-api) opened ${path}`);
if (queries.length === 0) {
  const names = (await conn.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_type, table_name`,
  )).getRowObjectsJson().map((r) => r.table_name);
  for (const n of names) queries.push(`SELECT * FROM "${n}" LIMIT 20`);
}
for (const q of queries) await show(q);
JS
exec node "$dir/open.mjs" "$db" "$@"
