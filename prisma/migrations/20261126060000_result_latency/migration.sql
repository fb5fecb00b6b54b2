-- How long the upstream took to answer a line's final attempt, for batches the built-in engine ran.
ALTER TABLE "ResultRow" ADD COLUMN "latencyMs" INTEGER;
