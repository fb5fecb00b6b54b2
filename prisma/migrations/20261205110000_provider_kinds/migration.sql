-- Anthropic and Gemini connections (issue 16): a default max_tokens per connection, the provider's own batch status,
-- and prompt-cache write tokens (billed at their own rate). Columns added in place: Batch carries FTS and delete triggers.
-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "defaultMaxTokens" INTEGER;
ALTER TABLE "Batch" ADD COLUMN "usageCacheWriteTokens" BIGINT;
ALTER TABLE "Batch" ADD COLUMN "providerStatus" TEXT;
