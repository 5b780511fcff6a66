-- CreateTable
CREATE TABLE "ErasedSubject" (
    "shop" TEXT NOT NULL,
    "subjectHash" BYTEA NOT NULL,
    "erasedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErasedSubject_pkey" PRIMARY KEY ("shop","subjectHash")
);

-- Hand-added: the erasure sticks whatever code path writes. The application
-- checks the tombstones first and records why it kept nothing; these triggers
-- are the backstop for a path that forgets (a new writer, a hand-run script).
CREATE FUNCTION "tally_subject_hash"(gid text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT sha256(convert_to(gid, 'UTF8')) $$;

CREATE FUNCTION "tally_erased"(shop text, gid text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT gid IS NOT NULL AND EXISTS (
    SELECT 1 FROM "ErasedSubject" e
    WHERE e."shop" = tally_erased.shop AND e."subjectHash" = "tally_subject_hash"(tally_erased.gid))
$$;

-- Each table names its subjects: a member its customer, an order row its
-- order and customer, a refund its order.
CREATE FUNCTION "refuse_erased_subject"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  subjects text[];
BEGIN
  CASE TG_TABLE_NAME
    WHEN 'Member' THEN subjects := ARRAY[NEW."customerGid"];
    WHEN 'OrderPoints' THEN subjects := ARRAY[NEW."orderGid", NEW."customerGid"];
    ELSE subjects := ARRAY[NEW."orderGid"];
  END CASE;
  IF EXISTS (SELECT 1 FROM unnest(subjects) AS s WHERE "tally_erased"(NEW."shop", s)) THEN
    RAISE EXCEPTION 'refused: a % row for data of % erased by a compliance request', TG_TABLE_NAME, NEW."shop"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "member_not_erased" BEFORE INSERT ON "Member"
  FOR EACH ROW EXECUTE FUNCTION "refuse_erased_subject"();
CREATE TRIGGER "order_points_not_erased" BEFORE INSERT OR UPDATE OF "customerGid" ON "OrderPoints"
  FOR EACH ROW EXECUTE FUNCTION "refuse_erased_subject"();
CREATE TRIGGER "order_refund_not_erased" BEFORE INSERT ON "OrderRefund"
  FOR EACH ROW EXECUTE FUNCTION "refuse_erased_subject"();
