-- Sync state of remote batches: when the next provider call is due, failures in a row, the last failure.
ALTER TABLE "Batch" ADD COLUMN "nextSyncAt" DATETIME;
ALTER TABLE "Batch" ADD COLUMN "syncFailures" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Batch" ADD COLUMN "syncError" TEXT;
CREATE INDEX "Batch_nextSyncAt_idx" ON "Batch"("nextSyncAt");

-- OpenAI webhook signing secret (whsec_…), encrypted like the API key.
ALTER TABLE "Connection" ADD COLUMN "webhookSecretEncrypted" TEXT;

-- Remote files Batchboard uploaded that no batch uses (yet): deleted on the provider, retried until gone.
CREATE TABLE "RemoteFileCleanup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "remoteFileId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RemoteFileCleanup_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "RemoteFileCleanup_connectionId_remoteFileId_key" ON "RemoteFileCleanup"("connectionId", "remoteFileId");
CREATE INDEX "RemoteFileCleanup_nextAttemptAt_idx" ON "RemoteFileCleanup"("nextAttemptAt");
