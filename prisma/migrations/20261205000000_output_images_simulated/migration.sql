-- Images an images-endpoint answer holds, for the results table's thumbnails.
ALTER TABLE "ResultRow" ADD COLUMN "outputImageCount" INTEGER NOT NULL DEFAULT 0;

-- Set when a batch's results are indexed and every answer came from a Batchboard simulator (e.g. a batch run on
-- another Batchboard through an openai connection): such a batch is free, like the engine's own simulated ones.
ALTER TABLE "Batch" ADD COLUMN "simulated" BOOLEAN NOT NULL DEFAULT false;
