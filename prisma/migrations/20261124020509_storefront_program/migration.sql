-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "storefrontChangedAt" TIMESTAMP(6),
ADD COLUMN     "storefrontPublishedAt" TIMESTAMP(6);

-- Hand-added: shops installed before this publish their program on the next sync.
UPDATE "Shop" SET "storefrontChangedAt" = localtimestamp;
