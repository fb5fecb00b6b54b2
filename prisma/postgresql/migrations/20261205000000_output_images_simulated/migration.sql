-- The PostgreSQL twin of prisma/migrations/20261205000000_output_images_simulated.
-- Images an images-endpoint answer holds, for the results table's thumbnails.
ALTER TABLE "ResultRow" ADD COLUMN "outputImageCount" INTEGER NOT NULL DEFAULT 0;

-- Set when a batch's results are indexed and every answer came from a Batchboard simulator: such a batch is free.
ALTER TABLE "Batch" ADD COLUMN "simulated" BOOLEAN NOT NULL DEFAULT false;
