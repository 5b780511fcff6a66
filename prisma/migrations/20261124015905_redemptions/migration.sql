-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('PENDING', 'ISSUED', 'CREDITED', 'USED', 'RETURNED', 'EXPIRED', 'FAILED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "LedgerKind" ADD VALUE 'REDEMPTION';
ALTER TYPE "LedgerKind" ADD VALUE 'REDEMPTION_RETURN';

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "returnExpiredCodes" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "reservedPoints" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Redemption" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" UUID NOT NULL,
    "rewardId" UUID,
    "idempotencyKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'PENDING',
    "pointsCost" INTEGER NOT NULL,
    "reward" JSONB NOT NULL,
    "code" TEXT,
    "shopifyId" TEXT,
    "expiresAt" TIMESTAMP(3),
    "failure" TEXT,
    "usedOrderGid" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Redemption_memberId_createdAt_idx" ON "Redemption"("memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_memberId_idempotencyKey_key" ON "Redemption"("shop", "memberId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_code_key" ON "Redemption"("shop", "code");

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-added: the reservation can never go below zero, and a redemption's
-- row says what it must (a live code has its code and its end date).
ALTER TABLE "Member" ADD CONSTRAINT "member_reserved_points_non_negative" CHECK ("reservedPoints" >= 0);
ALTER TABLE "Redemption" ADD CONSTRAINT "redemption_cost_positive" CHECK ("pointsCost" > 0);
ALTER TABLE "Redemption" ADD CONSTRAINT "redemption_key_length" CHECK (char_length("idempotencyKey") BETWEEN 8 AND 100);
ALTER TABLE "Redemption" ADD CONSTRAINT "redemption_issued_has_code" CHECK (
  "status" NOT IN ('ISSUED', 'USED', 'RETURNED', 'EXPIRED') OR ("code" IS NOT NULL AND "expiresAt" IS NOT NULL));
-- The expiry sweep reads live codes by end date only.
CREATE INDEX "Redemption_issued_expiresAt_idx" ON "Redemption"("expiresAt") WHERE "status" = 'ISSUED';
-- The pending sweep (a process that died between reserve and Shopify).
CREATE INDEX "Redemption_pending_createdAt_idx" ON "Redemption"("createdAt") WHERE "status" = 'PENDING';
