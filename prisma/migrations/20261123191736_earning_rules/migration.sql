-- CreateEnum
CREATE TYPE "RoundingPolicy" AS ENUM ('FLOOR', 'HALF_UP', 'CEIL');

-- CreateEnum
CREATE TYPE "EarnEvent" AS ENUM ('ORDERS_PAID', 'ORDERS_FULFILLED');

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "earnIncludeShipping" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "earnIncludeTax" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "earnOn" "EarnEvent" NOT NULL DEFAULT 'ORDERS_PAID',
ADD COLUMN     "earnOnTestOrders" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "excludedProductGids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "minimumSubtotal" DECIMAL(14,4),
ADD COLUMN     "rounding" "RoundingPolicy" NOT NULL DEFAULT 'FLOOR';

-- Hand-added: the database refuses settings the domain would never produce
-- (app/domain/earning-rules.ts validates merchant input first).
ALTER TABLE "ProgramSettings" ADD CONSTRAINT program_settings_earn_rate_range
  CHECK ("earnRate" >= 0 AND "earnRate" <= 10000);
ALTER TABLE "ProgramSettings" ADD CONSTRAINT program_settings_minimum_subtotal_non_negative
  CHECK ("minimumSubtotal" IS NULL OR "minimumSubtotal" >= 0);
