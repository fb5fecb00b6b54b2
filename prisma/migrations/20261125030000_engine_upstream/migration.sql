-- AlterTable
ALTER TABLE "EngineRun" ADD COLUMN "upstreamName" TEXT;
