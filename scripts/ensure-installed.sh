#!/usr/bin/env sh
# Lets `npm run demo` and `npm test` be the first commands on a fresh clone:
# installs dependencies when they are missing or older than the lockfile.
# npm scripts put node_modules/.bin first on PATH, so once this has run every
# later command in the script uses the Node 22 that the `node` package installs.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies…"
  # Not `npm ci`: npm 11 here writes lockfiles without other platforms'
  # optional packages and then its own `npm ci` refuses them as out of sync.
  # `npm install` still installs exactly the locked versions.
  npm install --no-audit --no-fund
fi
