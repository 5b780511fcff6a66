-- CreateEnum
CREATE TYPE "RewardKind" AS ENUM ('AMOUNT_OFF', 'PERCENT_OFF', 'FREE_SHIPPING', 'STORE_CREDIT');

-- CreateTable
CREATE TABLE "Reward" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" "RewardKind" NOT NULL,
    "name" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "amount" BIGINT,
    "percentHundredths" INTEGER,
    "minimumSubtotal" BIGINT,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT false,
    "codeValidDays" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Reward_shop_pointsCost_idx" ON "Reward"("shop", "pointsCost");

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-added: the shape app/domain/reward.ts validates, held by the database.
-- Each condition is wrapped in COALESCE(..., false): a CHECK that comes out
-- NULL (a missing amount compared with > 0) would otherwise pass.
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_pointsCost_positive" CHECK ("pointsCost" > 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_name_length" CHECK (char_length("name") BETWEEN 1 AND 60);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_value_matches_kind" CHECK (COALESCE(
  CASE "kind"
    WHEN 'AMOUNT_OFF' THEN "amount" > 0 AND "percentHundredths" IS NULL
    WHEN 'STORE_CREDIT' THEN "amount" > 0 AND "percentHundredths" IS NULL AND "minimumSubtotal" IS NULL
    WHEN 'PERCENT_OFF' THEN "percentHundredths" BETWEEN 1 AND 10000 AND "amount" IS NULL
    WHEN 'FREE_SHIPPING' THEN "amount" IS NULL AND "percentHundredths" IS NULL
  END, false));
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_code_validity" CHECK (COALESCE(
  CASE WHEN "kind" = 'STORE_CREDIT' THEN "codeValidDays" IS NULL
       ELSE "codeValidDays" BETWEEN 1 AND 365 END, false));
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_minimum_positive" CHECK ("minimumSubtotal" IS NULL OR "minimumSubtotal" > 0);
