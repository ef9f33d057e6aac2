-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "copied" BOOLEAN NOT NULL DEFAULT false;
