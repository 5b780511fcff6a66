-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'BONUS';

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "signupBonus" INTEGER NOT NULL DEFAULT 0;

-- Hand-added: a bonus is never negative (a "negative bonus" would be a
-- deduction without an order to explain it).
ALTER TABLE "ProgramSettings" ADD CONSTRAINT program_settings_signup_bonus_range
  CHECK ("signupBonus" >= 0 AND "signupBonus" <= 1000000);
