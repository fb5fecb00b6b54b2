-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT,
    "apiKeyEncrypted" TEXT,
    "apiKeyHint" TEXT,
    "organization" TEXT,
    "project" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "File" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "validationErrorCount" INTEGER,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "File_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "inProgressAt" DATETIME,
    "expiresAt" DATETIME,
    "finalizingAt" DATETIME,
    "completedAt" DATETIME,
    "failedAt" DATETIME,
    "expiredAt" DATETIME,
    "cancellingAt" DATETIME,
    "cancelledAt" DATETIME,
    "parentBatchId" TEXT,
    "syncedAt" DATETIME,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Batch_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Batch_inputFileId_fkey" FOREIGN KEY ("inputFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Batch_outputFileId_fkey" FOREIGN KEY ("outputFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Batch_errorFileId_fkey" FOREIGN KEY ("errorFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Batch_parentBatchId_fkey" FOREIGN KEY ("parentBatchId") REFERENCES "Batch" ("id") ON DELETE SET NULL ON UPDATE CASCADE
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
CREATE INDEX "Batch_createdAt_idx" ON "Batch"("createdAt");

-- CreateIndex
CREATE INDEX "Batch_status_createdAt_idx" ON "Batch"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Batch_connectionId_createdAt_idx" ON "Batch"("connectionId", "createdAt");

-- CreateIndex
CREATE INDEX "Batch_endpoint_idx" ON "Batch"("endpoint");

-- CreateIndex
CREATE INDEX "Batch_model_idx" ON "Batch"("model");

-- CreateIndex
CREATE INDEX "Batch_inputFileId_idx" ON "Batch"("inputFileId");

-- CreateIndex
CREATE INDEX "Batch_parentBatchId_idx" ON "Batch"("parentBatchId");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_connectionId_remoteId_key" ON "Batch"("connectionId", "remoteId");


-- The built-in engine is always present and is the default connection.
INSERT INTO "Connection" ("id", "kind", "name", "createdAt", "updatedAt")
VALUES ('builtin', 'builtin', 'Built-in engine', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
