-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "input" TEXT;
