#!/usr/bin/env sh
# `prisma generate` offline. Prisma's CLI refuses to start until a native
# schema engine file exists, and downloads one from a host this environment
# cannot reach; generating never runs that engine, so point it at a stub that
# explains itself should anything try. A developer's real engine, given in
# PRISMA_SCHEMA_ENGINE_BINARY, is used instead.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
PATH="$root/node_modules/.bin:$PATH"
PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$root/scripts/db/schema-engine-unavailable.sh}"
# Prisma's update check phones home; offline it only adds a delay.
CHECKPOINT_DISABLE=1
export PATH PRISMA_SCHEMA_ENGINE_BINARY CHECKPOINT_DISABLE
exec prisma generate "$@"
