-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_subjectGid_idx" ON "WebhookDelivery"("shop", "subjectGid");
