-- CreateEnum
CREATE TYPE "TierMetric" AS ENUM ('POINTS_EARNED', 'AMOUNT_SPENT', 'PAID_ORDERS');

-- CreateEnum
CREATE TYPE "TierWindow" AS ENUM ('LIFETIME', 'CALENDAR_YEAR', 'ROLLING_12_MONTHS');

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "tierBelowSince" TIMESTAMP(3),
ADD COLUMN     "tierId" UUID,
ADD COLUMN     "tierValue" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderPoints" ADD COLUMN     "earnedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "TierProgram" (
    "shop" TEXT NOT NULL,
    "metric" "TierMetric" NOT NULL DEFAULT 'POINTS_EARNED',
    "window" "TierWindow" NOT NULL DEFAULT 'LIFETIME',
    "graceDays" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TierProgram_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Tier" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "threshold" BIGINT NOT NULL,
    "multiplier" DECIMAL(6,2) NOT NULL DEFAULT 1,
    "earlyAccess" BOOLEAN NOT NULL DEFAULT false,
    "perks" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "Tier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" UUID NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "change" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tier_shop_position_key" ON "Tier"("shop", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Tier_shop_name_key" ON "Tier"("shop", "name");

-- CreateIndex
CREATE INDEX "TierChange_memberId_id_idx" ON "TierChange"("memberId", "id");

-- AddForeignKey
ALTER TABLE "TierProgram" ADD CONSTRAINT "TierProgram_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tier" ADD CONSTRAINT "Tier_shop_fkey" FOREIGN KEY ("shop") REFERENCES "TierProgram"("shop") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierChange" ADD CONSTRAINT "TierChange_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-added: a grace period is between 0 and a year; tiers climb from 0;
-- a multiplier never takes points away.
ALTER TABLE "TierProgram" ADD CONSTRAINT "tier_program_grace_days_range" CHECK ("graceDays" BETWEEN 0 AND 365);
ALTER TABLE "Tier" ADD CONSTRAINT "tier_threshold_non_negative" CHECK ("threshold" >= 0);
ALTER TABLE "Tier" ADD CONSTRAINT "tier_multiplier_range" CHECK ("multiplier" >= 1 AND "multiplier" <= 10);
