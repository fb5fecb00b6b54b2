-- Anthropic and Gemini connections (issue 16): a default max_tokens per connection, the provider's own batch status,
-- and prompt-cache write tokens. The PostgreSQL twin of prisma/migrations/20261205110000_provider_kinds.

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "defaultMaxTokens" INTEGER;

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "usageCacheWriteTokens" BIGINT,
ADD COLUMN     "providerStatus" TEXT;
