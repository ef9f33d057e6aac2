-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "cacheControl" JSONB;
