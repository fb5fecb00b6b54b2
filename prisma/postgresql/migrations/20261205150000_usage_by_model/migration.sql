-- Usage per model of a batch whose results name several models (issue 16: an Anthropic batch may mix them).
-- The PostgreSQL twin of prisma/migrations/20261205150000_usage_by_model.

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "usageByModel" TEXT;
