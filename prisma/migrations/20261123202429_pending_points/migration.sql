-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'RELEASE';

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "pendingDays" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "pendingPoints" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "LedgerEntry" ADD COLUMN     "pendingPoints" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderPoints" ADD COLUMN     "pendingPoints" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "releaseAt" TIMESTAMP(3);

-- Hand-added: the pending balance obeys the same rules as the spendable one.
ALTER TABLE "Member" ADD CONSTRAINT "member_pending_points_non_negative" CHECK ("pendingPoints" >= 0);
ALTER TABLE "OrderPoints" ADD CONSTRAINT "order_points_pending_in_range"
  CHECK ("pendingPoints" >= 0 AND "pendingPoints" <= "earnedPoints");
ALTER TABLE "ProgramSettings" ADD CONSTRAINT "program_settings_pending_days_range"
  CHECK ("pendingDays" BETWEEN 0 AND 365);

-- An entry must move one of the two balances; a RELEASE moves both.
ALTER TABLE "LedgerEntry" DROP CONSTRAINT "ledger_entry_points_non_zero";
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "ledger_entry_points_non_zero"
  CHECK ("points" <> 0 OR "pendingPoints" <> 0);

-- What the release job scans: only orders still holding pending points.
CREATE INDEX "OrderPoints_releaseAt_pending_idx" ON "OrderPoints" ("releaseAt")
  WHERE "pendingPoints" > 0;
