-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "title" TEXT;

-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "partial" BOOLEAN NOT NULL DEFAULT false;
