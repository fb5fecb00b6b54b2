-- PostgreSQL's baseline: the data model of every SQLite migration up to 20261126060000_result_latency (made with
-- prisma migrate diff --from-empty --to-schema-datamodel prisma/postgresql/schema.prisma --script), plus the parts
-- Prisma cannot model, written by hand at the end. Later migrations go in both folders under the same name.

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT,
    "apiKeyEncrypted" TEXT,
    "apiKeyHint" TEXT,
    "organization" TEXT,
    "project" TEXT,
    "webhookSecretEncrypted" TEXT,
    "source" TEXT NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "File" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL DEFAULT 'builtin',
    "remoteId" TEXT,
    "filename" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'processed',
    "sha256" TEXT,
    "storagePath" TEXT,
    "lineCount" INTEGER,
    "endpoint" TEXT,
    "model" TEXT,
    "estimatedInputTokens" BIGINT,
    "outputTokenCapTotal" BIGINT,
    "outputTokenCapMissing" INTEGER,
    "validationErrorCount" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "File_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "remoteId" TEXT,
    "endpoint" TEXT NOT NULL,
    "model" TEXT,
    "completionWindow" TEXT NOT NULL DEFAULT '24h',
    "status" TEXT NOT NULL DEFAULT 'validating',
    "description" TEXT,
    "metadata" JSONB,
    "errors" JSONB,
    "inputFileId" TEXT,
    "outputFileId" TEXT,
    "errorFileId" TEXT,
    "remoteInputFileId" TEXT,
    "remoteOutputFileId" TEXT,
    "remoteErrorFileId" TEXT,
    "requestCountTotal" INTEGER NOT NULL DEFAULT 0,
    "requestCountCompleted" INTEGER NOT NULL DEFAULT 0,
    "requestCountFailed" INTEGER NOT NULL DEFAULT 0,
    "usageInputTokens" BIGINT,
    "usageCachedTokens" BIGINT,
    "usageOutputTokens" BIGINT,
    "usageReasoningTokens" BIGINT,
    "usageTotalTokens" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "inProgressAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "finalizingAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "expiredAt" TIMESTAMP(3),
    "cancellingAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "parentBatchId" TEXT,
    "syncedAt" TIMESTAMP(3),
    "nextSyncAt" TIMESTAMP(3),
    "syncFailures" INTEGER NOT NULL DEFAULT 0,
    "syncError" TEXT,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RemoteFileCleanup" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "remoteFileId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RemoteFileCleanup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngineRun" (
    "batchId" TEXT NOT NULL,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "doneLines" BYTEA,
    "outputBytes" BIGINT NOT NULL DEFAULT 0,
    "errorBytes" BIGINT NOT NULL DEFAULT 0,
    "linesPerSecond" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "tokensPerSecond" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "outputExpiresAfterSeconds" INTEGER,
    "upstreamName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EngineRun_pkey" PRIMARY KEY ("batchId")
);

-- CreateTable
CREATE TABLE "Upstream" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "apiKeyEncrypted" TEXT,
    "apiKeyHint" TEXT,
    "models" JSONB NOT NULL,
    "maxConcurrency" INTEGER NOT NULL DEFAULT 8,
    "timeoutMs" INTEGER NOT NULL DEFAULT 600000,
    "headersEncrypted" TEXT,
    "source" TEXT NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Upstream_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceTable" (
    "fileId" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "firstRow" INTEGER NOT NULL DEFAULT 0,
    "answerFields" JSONB,
    "storagePath" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SourceTable_pkey" PRIMARY KEY ("fileId")
);

-- CreateTable
CREATE TABLE "BuilderTemplate" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BuilderTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResultIndex" (
    "batchId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "message" TEXT,
    "inputFileId" TEXT,
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "indexedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResultIndex_pkey" PRIMARY KEY ("batchId")
);

-- CreateTable
CREATE TABLE "ResultRow" (
    "id" SERIAL NOT NULL,
    "batchId" TEXT NOT NULL,
    "line" INTEGER,
    "customId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "inputOffset" BIGINT,
    "inputLength" INTEGER,
    "sourceBatchId" TEXT,
    "resultFileId" TEXT,
    "resultOffset" BIGINT,
    "resultLength" INTEGER,
    "attemptAt" BIGINT NOT NULL DEFAULT 0,
    "statusCode" INTEGER,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "finishReason" TEXT,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "totalTokens" INTEGER,
    "latencyMs" INTEGER,
    "prompt" TEXT,
    "response" TEXT,
    "imageCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ResultRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelPrice" (
    "model" TEXT NOT NULL,
    "input" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "cachedInput" DOUBLE PRECISION,
    "output" DOUBLE PRECISION,
    "batchInput" DOUBLE PRECISION,
    "batchCachedInput" DOUBLE PRECISION,
    "batchOutput" DOUBLE PRECISION,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ModelPrice_pkey" PRIMARY KEY ("model")
);

-- CreateTable
CREATE TABLE "AdminAccount" (
    "id" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Connection_name_key" ON "Connection"("name");

-- CreateIndex
CREATE INDEX "File_purpose_createdAt_idx" ON "File"("purpose", "createdAt");

-- CreateIndex
CREATE INDEX "File_createdAt_idx" ON "File"("createdAt");

-- CreateIndex
CREATE INDEX "File_filename_idx" ON "File"("filename");

-- CreateIndex
CREATE INDEX "File_sha256_idx" ON "File"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "File_connectionId_remoteId_key" ON "File"("connectionId", "remoteId");

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

-- CreateIndex
CREATE INDEX "Batch_inputFileId_idx" ON "Batch"("inputFileId");

-- CreateIndex
CREATE INDEX "Batch_parentBatchId_idx" ON "Batch"("parentBatchId");

-- CreateIndex
CREATE INDEX "Batch_nextSyncAt_idx" ON "Batch"("nextSyncAt");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_connectionId_remoteId_key" ON "Batch"("connectionId", "remoteId");

-- CreateIndex
CREATE INDEX "RemoteFileCleanup_nextAttemptAt_idx" ON "RemoteFileCleanup"("nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "RemoteFileCleanup_connectionId_remoteFileId_key" ON "RemoteFileCleanup"("connectionId", "remoteFileId");

-- CreateIndex
CREATE INDEX "EngineRun_leaseExpiresAt_idx" ON "EngineRun"("leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Upstream_name_key" ON "Upstream"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "BuilderTemplate_name_key" ON "BuilderTemplate"("name");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_line_idx" ON "ResultRow"("batchId", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_status_line_idx" ON "ResultRow"("batchId", "status", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_totalTokens_line_idx" ON "ResultRow"("batchId", "totalTokens", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_errorCode_idx" ON "ResultRow"("batchId", "errorCode");

-- CreateIndex
CREATE UNIQUE INDEX "ResultRow_batchId_customId_key" ON "ResultRow"("batchId", "customId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- AddForeignKey
ALTER TABLE "File" ADD CONSTRAINT "File_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_inputFileId_fkey" FOREIGN KEY ("inputFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_outputFileId_fkey" FOREIGN KEY ("outputFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_errorFileId_fkey" FOREIGN KEY ("errorFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_parentBatchId_fkey" FOREIGN KEY ("parentBatchId") REFERENCES "Batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RemoteFileCleanup" ADD CONSTRAINT "RemoteFileCleanup_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EngineRun" ADD CONSTRAINT "EngineRun_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceTable" ADD CONSTRAINT "SourceTable_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "File"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResultIndex" ADD CONSTRAINT "ResultIndex_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The built-in engine is always present and is the default connection. Prisma writes DateTime columns in UTC.
INSERT INTO "Connection" ("id", "kind", "name", "createdAt", "updatedAt")
VALUES ('builtin', 'builtin', 'Built-in engine', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC');

-- Full-text search over prompt and response (docs/decisions/045-full-text-on-postgresql.md): the SQLite side's FTS5
-- table "ResultText" is, here, a GIN index over one expression: the query in lib/server/results repeats the same
-- expression, so the index serves it. `unaccent` matches FTS5's remove_diacritics ("cafe" finds "café"), but it is not
-- IMMUTABLE (its dictionary could change), so an IMMUTABLE wrapper naming the dictionary is what an index may use.
-- The 'simple' configuration lower-cases words and neither stems them nor drops stop words, like FTS5's unicode61.
CREATE EXTENSION IF NOT EXISTS "unaccent";

CREATE FUNCTION "batchboard_search_document"(prompt TEXT, response TEXT) RETURNS TSVECTOR
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('simple'::regconfig, unaccent('unaccent'::regdictionary, coalesce(prompt, '') || ' ' || coalesce(response, ''))) $$;

CREATE FUNCTION "batchboard_search_query"(words TEXT) RETURNS TSQUERY
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsquery('simple'::regconfig, unaccent('unaccent'::regdictionary, words)) $$;

-- Partial, like the FTS5 table: rows of an index still being built ("<batchId>:building") are not searched, so writing
-- them costs no text processing. The query repeats the predicate, which lets the planner use the index.
CREATE INDEX "ResultRow_search_idx" ON "ResultRow" USING GIN ("batchboard_search_document"("prompt", "response")) WHERE "batchId" NOT LIKE '%:building';

-- Rows are keyed by batch id without a foreign key (an index being built uses "<id>:building"), so deleting a batch
-- record removes its rows here. Prisma's adapter path splits a migration at every semicolon, even inside a quoted
-- function body, so the body's semicolons are written as \x3b in an escape string.
CREATE FUNCTION "Batch_delete_results"() RETURNS TRIGGER
    LANGUAGE plpgsql
    AS E'BEGIN DELETE FROM "ResultRow" WHERE "batchId" IN (OLD."id", OLD."id" || \':building\')\x3b RETURN OLD\x3b END';

CREATE TRIGGER "Batch_delete_results" AFTER DELETE ON "Batch" FOR EACH ROW EXECUTE FUNCTION "Batch_delete_results"();
