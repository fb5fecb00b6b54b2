-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'user';
