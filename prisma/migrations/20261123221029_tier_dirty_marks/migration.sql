-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "tierDirtyAt" TIMESTAMP(3);

-- Hand-added: every path that posts to the ledger moves a member balance, so
-- a trigger on the balances marks the member's tier for a look, whatever
-- code path did it. No index on the mark: setting it must not stop balance
-- updates from being HOT; the sweeper scans the shops with a tier program.
-- clock_timestamp(), not now(): the mark must be later than any mark a
-- recalculation read before this change, so it is never cleared unseen.
CREATE FUNCTION "member_mark_tier_dirty"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."points" <> 0 OR NEW."pendingPoints" <> 0 THEN
      NEW."tierDirtyAt" := clock_timestamp();
    END IF;
  ELSIF NEW."points" IS DISTINCT FROM OLD."points" OR NEW."pendingPoints" IS DISTINCT FROM OLD."pendingPoints" THEN
    NEW."tierDirtyAt" := clock_timestamp();
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "member_tier_dirty"
  BEFORE INSERT OR UPDATE ON "Member"
  FOR EACH ROW EXECUTE FUNCTION "member_mark_tier_dirty"();
