-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "gatewayCachePolicy" TEXT;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "gatewayCachePolicy" TEXT;
