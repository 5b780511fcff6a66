-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN     "birthdayBonus" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "birthDay" INTEGER,
ADD COLUMN     "birthMonth" INTEGER;

-- Hand-added: a birthday is a real calendar day (29 February allowed), given
-- whole or not at all; the bonus is never negative.
ALTER TABLE "Member" ADD CONSTRAINT member_birthday_valid CHECK (
  ("birthMonth" IS NULL) = ("birthDay" IS NULL) AND (
    "birthMonth" IS NULL OR (
      "birthMonth" BETWEEN 1 AND 12 AND "birthDay" >= 1 AND
      "birthDay" <= CASE WHEN "birthMonth" = 2 THEN 29 WHEN "birthMonth" IN (4, 6, 9, 11) THEN 30 ELSE 31 END)));
ALTER TABLE "ProgramSettings" ADD CONSTRAINT program_settings_birthday_bonus_range
  CHECK ("birthdayBonus" >= 0 AND "birthdayBonus" <= 1000000);
