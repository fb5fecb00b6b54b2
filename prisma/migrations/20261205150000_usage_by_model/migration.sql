-- Usage per model of a batch whose results name several models (issue 16: an Anthropic batch may mix them), so each
-- model is costed at its own price. Added in place: Batch carries FTS and delete triggers.
-- AlterTable
ALTER TABLE "Batch" ADD COLUMN "usageByModel" TEXT;
