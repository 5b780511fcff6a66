#!/usr/bin/env sh
# Stands in for Prisma's native schema engine, which cannot be downloaded
# here (see docs/decisions/0001-offline-migrations.md).
echo "Prisma's native schema engine is not installed. Use scripts/db/migrate-create.ts and scripts/db/migrate-deploy.ts instead of prisma migrate/db commands." >&2
exit 1
