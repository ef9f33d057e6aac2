-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "gatewayFallbackModels" TEXT[] DEFAULT ARRAY[]::TEXT[];
