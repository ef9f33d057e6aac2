-- AlterTable
ALTER TABLE "GatewayRequest" ADD COLUMN     "clientCredentials" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'POST',
ADD COLUMN     "path" TEXT NOT NULL DEFAULT '/v1/messages',
ADD COLUMN     "requestId" TEXT,
ALTER COLUMN "model" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "gatewayClientCredentials" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "GatewayRequest_teamId_requestId_idx" ON "GatewayRequest"("teamId", "requestId");
