-- The results explorer's index (lib/server/results): one row per request of a finished batch, joined to its result.

-- CreateTable
CREATE TABLE "ResultIndex" (
    "batchId" TEXT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL,
    "message" TEXT,
    "inputFileId" TEXT,
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "indexedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ResultIndex_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ResultRow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "prompt" TEXT,
    "response" TEXT,
    "imageCount" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE UNIQUE INDEX "ResultRow_batchId_customId_key" ON "ResultRow"("batchId", "customId");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_line_idx" ON "ResultRow"("batchId", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_status_line_idx" ON "ResultRow"("batchId", "status", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_totalTokens_line_idx" ON "ResultRow"("batchId", "totalTokens", "line");

-- CreateIndex
CREATE INDEX "ResultRow_batchId_errorCode_idx" ON "ResultRow"("batchId", "errorCode");

-- Full-text search over prompt and response (not expressible in schema.prisma). External content: the text lives
-- once, in ResultRow. lib/server/results adds a batch's rows to it in one statement once they are complete (a trigger
-- per insert and update made indexing 50,000 lines several times slower); deleting rows removes them by trigger.
CREATE VIRTUAL TABLE "ResultText" USING fts5("prompt", "response", content='ResultRow', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

-- Rows of an index still being built ("<batchId>:building") are not in it yet, and FTS5 must never be asked to delete
-- what it does not hold.
CREATE TRIGGER "ResultRow_text_delete" AFTER DELETE ON "ResultRow" WHEN old."batchId" NOT LIKE '%:building' BEGIN
    INSERT INTO "ResultText"("ResultText", rowid, "prompt", "response") VALUES ('delete', old."id", old."prompt", old."response");
END;

-- Rows are keyed by batch id without a foreign key (an index being built uses "<id>:building"), so deleting a batch
-- record removes its rows here.
CREATE TRIGGER "Batch_delete_results" AFTER DELETE ON "Batch" BEGIN
    DELETE FROM "ResultRow" WHERE "batchId" IN (old."id", old."id" || ':building');
END;
