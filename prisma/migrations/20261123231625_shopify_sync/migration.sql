-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "metafieldDefinitionsAt" TIMESTAMP(3),
ADD COLUMN     "syncError" TEXT,
ADD COLUMN     "syncFailedAt" TIMESTAMP(3),
ADD COLUMN     "syncLeaseId" TEXT,
ADD COLUMN     "syncLeaseUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "shopifyDirtyAt" TIMESTAMP(6),
ADD COLUMN     "shopifyPoints" INTEGER,
ADD COLUMN     "shopifyRefusal" TEXT,
ADD COLUMN     "shopifyTag" TEXT,
ADD COLUMN     "shopifyTier" TEXT,
ALTER COLUMN "tierDirtyAt" SET DATA TYPE TIMESTAMP(6);

-- AlterTable
ALTER TABLE "TierProgram" ADD COLUMN     "tagPrefix" TEXT NOT NULL DEFAULT 'VIP: ';

-- Hand-added: the tag is prefix + tier name, and Shopify refuses tags over
-- 255 characters (tier names are held to 40 by app/domain/tier-program.ts).
ALTER TABLE "TierProgram" ADD CONSTRAINT "TierProgram_tagPrefix_length"
  CHECK (char_length("tagPrefix") <= 40);

-- Hand-added: both marks carry microseconds (they were milliseconds). A mark
-- is cleared only if it still equals the one read ("<="); two changes to one
-- member within the same millisecond would have shared a mark, and the
-- second would have been cleared unseen. Code reads the marks as text, not
-- as JavaScript dates, which hold milliseconds only.

-- Hand-added: the same trigger that marks a member's tier for a look now also
-- marks their Shopify copy (tag, tier and points metafields) as out of date
-- when the spendable balance or the tier moves. Still no index on either
-- mark, so balance updates stay HOT; clock_timestamp() for the reason given
-- in 20261123221029_tier_dirty_marks.
CREATE OR REPLACE FUNCTION "member_mark_tier_dirty"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."points" <> 0 OR NEW."pendingPoints" <> 0 THEN
      NEW."tierDirtyAt" := clock_timestamp();
    END IF;
    IF NEW."points" <> 0 OR NEW."tierId" IS NOT NULL THEN
      NEW."shopifyDirtyAt" := clock_timestamp();
    END IF;
  ELSE
    IF NEW."points" IS DISTINCT FROM OLD."points" OR NEW."pendingPoints" IS DISTINCT FROM OLD."pendingPoints" THEN
      NEW."tierDirtyAt" := clock_timestamp();
    END IF;
    IF NEW."points" IS DISTINCT FROM OLD."points" OR NEW."tierId" IS DISTINCT FROM OLD."tierId" THEN
      NEW."shopifyDirtyAt" := clock_timestamp();
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
