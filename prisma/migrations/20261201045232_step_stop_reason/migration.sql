-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "stopReason" TEXT;
