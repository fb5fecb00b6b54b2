-- The batch list's keyset sorts: each index ends in id, so a page walks the index without a sort step.
-- DropIndex
DROP INDEX "Batch_createdAt_idx";

-- DropIndex
DROP INDEX "Batch_status_createdAt_idx";

-- DropIndex
DROP INDEX "Batch_connectionId_createdAt_idx";

-- DropIndex
DROP INDEX "Batch_endpoint_idx";

-- DropIndex
DROP INDEX "Batch_model_idx";

-- CreateIndex
CREATE INDEX "Batch_createdAt_id_idx" ON "Batch"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Batch_status_createdAt_id_idx" ON "Batch"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Batch_connectionId_createdAt_id_idx" ON "Batch"("connectionId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Batch_requestCountTotal_createdAt_id_idx" ON "Batch"("requestCountTotal", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Batch_endpoint_createdAt_id_idx" ON "Batch"("endpoint", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Batch_model_createdAt_id_idx" ON "Batch"("model", "createdAt", "id");
