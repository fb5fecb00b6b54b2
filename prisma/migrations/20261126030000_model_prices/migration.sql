-- AlterTable
ALTER TABLE "File" ADD COLUMN "outputTokenCapTotal" BIGINT;
ALTER TABLE "File" ADD COLUMN "outputTokenCapMissing" INTEGER;

-- CreateTable
CREATE TABLE "ModelPrice" (
    "model" TEXT NOT NULL PRIMARY KEY,
    "input" REAL NOT NULL DEFAULT 0,
    "cachedInput" REAL,
    "output" REAL,
    "batchInput" REAL,
    "batchCachedInput" REAL,
    "batchOutput" REAL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);
