-- DropIndex
DROP INDEX "Member_shop_lastActivityAt_idx";

-- Hand-added: every earn rewrites its member's balance. With no index on a
-- column that changes (lastActivityAt lost its index above) and free room on
-- each page, PostgreSQL can update the row in place (a HOT update) without
-- touching the table's indexes. Affects new pages; existing ones fill up as
-- rows are rewritten.
ALTER TABLE "Member" SET (fillfactor = 80);
