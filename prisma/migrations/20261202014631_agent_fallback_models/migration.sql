-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "fallbackModels" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "RunStep" ADD COLUMN     "answeredModel" TEXT;
