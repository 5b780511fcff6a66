-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "LedgerKind" ADD VALUE 'REVERSAL';
ALTER TYPE "LedgerKind" ADD VALUE 'RECOVERY';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "pointsOwed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "OrderPoints" (
    "shop" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "customerGid" TEXT,
    "earned" BOOLEAN NOT NULL DEFAULT false,
    "earnedPoints" INTEGER NOT NULL DEFAULT 0,
    "earnedBase" BIGINT NOT NULL DEFAULT 0,
    "currency" TEXT,
    "snapshot" JSONB,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,
    "reversedPoints" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderPoints_pkey" PRIMARY KEY ("shop","orderGid")
);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "shop" TEXT NOT NULL,
    "refundGid" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "refund" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderRefund_pkey" PRIMARY KEY ("shop","refundGid")
);

-- CreateIndex
CREATE INDEX "OrderRefund_shop_orderGid_idx" ON "OrderRefund"("shop", "orderGid");

-- Hand-added: what an order has taken back never exceeds what it earned,
-- and a member never owes a negative amount.
ALTER TABLE "OrderPoints" ADD CONSTRAINT order_points_reversal_within_earned
  CHECK ("reversedPoints" >= 0 AND "reversedPoints" <= "earnedPoints" AND "earnedPoints" >= 0);
ALTER TABLE "Member" ADD CONSTRAINT member_points_owed_non_negative CHECK ("pointsOwed" >= 0);
