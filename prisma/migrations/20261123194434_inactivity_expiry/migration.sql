-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'EXPIRY';

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "expiryEnabledAt" TIMESTAMP(3),
ADD COLUMN     "expiryMonths" INTEGER;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "lastActivityAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Member_shop_lastActivityAt_idx" ON "Member"("shop", "lastActivityAt");

-- Hand-added: an expiry rule is between 1 month and 5 years, and always
-- knows when it was switched on.
ALTER TABLE "ProgramSettings" ADD CONSTRAINT program_settings_expiry_months_range
  CHECK ("expiryMonths" IS NULL OR ("expiryMonths" BETWEEN 1 AND 60 AND "expiryEnabledAt" IS NOT NULL));
