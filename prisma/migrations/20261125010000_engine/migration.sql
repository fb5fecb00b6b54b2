-- CreateTable
CREATE TABLE "EngineRun" (
    "batchId" TEXT NOT NULL PRIMARY KEY,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "doneLines" BLOB,
    "outputBytes" BIGINT NOT NULL DEFAULT 0,
    "errorBytes" BIGINT NOT NULL DEFAULT 0,
    "linesPerSecond" REAL NOT NULL DEFAULT 0,
    "tokensPerSecond" REAL NOT NULL DEFAULT 0,
    "outputExpiresAfterSeconds" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EngineRun_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Upstream" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "apiKeyEncrypted" TEXT,
    "apiKeyHint" TEXT,
    "models" JSONB NOT NULL,
    "maxConcurrency" INTEGER NOT NULL DEFAULT 8,
    "timeoutMs" INTEGER NOT NULL DEFAULT 600000,
    "headersEncrypted" TEXT,
    "source" TEXT NOT NULL DEFAULT 'user',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "EngineRun_leaseExpiresAt_idx" ON "EngineRun"("leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Upstream_name_key" ON "Upstream"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

