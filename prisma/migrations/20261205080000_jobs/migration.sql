-- Jobs: work split into parts that fit a connection's limits (see lib/server/jobs).
-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "enqueuedTokenLimits" JSONB;
ALTER TABLE "Connection" ADD COLUMN "maxBytesPerBatch" BIGINT;
ALTER TABLE "Connection" ADD COLUMN "maxRequestsPerBatch" INTEGER;

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "inputFileId" TEXT,
    "endpoint" TEXT NOT NULL,
    "model" TEXT,
    "completionWindow" TEXT NOT NULL DEFAULT '24h',
    "description" TEXT,
    "metadata" JSONB,
    "status" TEXT NOT NULL DEFAULT 'splitting',
    "limits" JSONB NOT NULL,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "lineCount" INTEGER NOT NULL DEFAULT 0,
    "linesSucceeded" INTEGER NOT NULL DEFAULT 0,
    "linesFailed" INTEGER NOT NULL DEFAULT 0,
    "splitLines" INTEGER NOT NULL DEFAULT 0,
    "splitOffset" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "outputFileId" TEXT,
    "errorFileId" TEXT,
    "nextTickAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    CONSTRAINT "Job_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Job_inputFileId_fkey" FOREIGN KEY ("inputFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Job_outputFileId_fkey" FOREIGN KEY ("outputFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Job_errorFileId_fkey" FOREIGN KEY ("errorFileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobPart" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 1,
    "fileId" TEXT,
    "lineCount" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,
    "estimatedTokens" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "batchId" TEXT,
    "submitKey" TEXT NOT NULL,
    "queueAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "waitingReason" TEXT,
    "submittedAt" DATETIME,
    "endedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "JobPart_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "JobPart_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "File" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "JobPart_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- Added in place (not redefined): ResultRow carries the FTS5 triggers, which a table rebuild would drop.
ALTER TABLE "Batch" ADD COLUMN "jobId" TEXT REFERENCES "Job" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "Batch_jobId_createdAt_idx" ON "Batch"("jobId", "createdAt");
ALTER TABLE "ResultRow" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ResultRow" ADD COLUMN "jobPartId" TEXT;

-- CreateIndex
CREATE INDEX "Job_status_nextTickAt_idx" ON "Job"("status", "nextTickAt");

-- CreateIndex
CREATE INDEX "Job_createdAt_id_idx" ON "Job"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "JobPart_batchId_key" ON "JobPart"("batchId");

-- CreateIndex
CREATE UNIQUE INDEX "JobPart_submitKey_key" ON "JobPart"("submitKey");

-- CreateIndex
CREATE INDEX "JobPart_status_nextAttemptAt_idx" ON "JobPart"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobPart_jobId_seq_key" ON "JobPart"("jobId", "seq");


-- A job's per-line rows are ResultRow rows under the job's id (no foreign key there): they go with the job.
CREATE TRIGGER "Job_delete_results" AFTER DELETE ON "Job" BEGIN
    DELETE FROM "ResultRow" WHERE "batchId" = old."id";
END;
