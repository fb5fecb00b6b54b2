-- Jobs: work split into parts that fit a connection's limits (see lib/server/jobs). The PostgreSQL twin of
-- prisma/migrations/20261205080000_jobs (prisma migrate diff between the two generated schemas, plus its trigger).

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "enqueuedTokenLimits" JSONB,
ADD COLUMN     "maxBytesPerBatch" BIGINT,
ADD COLUMN     "maxRequestsPerBatch" INTEGER;

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "jobId" TEXT;

-- AlterTable
ALTER TABLE "ResultRow" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "jobPartId" TEXT;

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
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
    "nextTickAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobPart" (
    "id" TEXT NOT NULL,
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
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "waitingReason" TEXT,
    "submittedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobPart_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Batch_jobId_createdAt_idx" ON "Batch"("jobId", "createdAt");

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_inputFileId_fkey" FOREIGN KEY ("inputFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_outputFileId_fkey" FOREIGN KEY ("outputFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_errorFileId_fkey" FOREIGN KEY ("errorFileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobPart" ADD CONSTRAINT "JobPart_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobPart" ADD CONSTRAINT "JobPart_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "File"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobPart" ADD CONSTRAINT "JobPart_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- A job's per-line rows are ResultRow rows under the job's id (no foreign key there): they go with the job. The body's
-- semicolons are \x3b in an escape string because Prisma's adapter path splits a migration at every semicolon.
CREATE FUNCTION "Job_delete_results"() RETURNS TRIGGER
    LANGUAGE plpgsql
    AS E'BEGIN DELETE FROM "ResultRow" WHERE "batchId" = OLD."id"\x3b RETURN OLD\x3b END';

CREATE TRIGGER "Job_delete_results" AFTER DELETE ON "Job" FOR EACH ROW EXECUTE FUNCTION "Job_delete_results"();
