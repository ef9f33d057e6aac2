-- CreateEnum
CREATE TYPE "WarmJobStatus" AS ENUM ('running', 'done');

-- CreateTable
CREATE TABLE "WarmJob" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "status" "WarmJobStatus" NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "WarmJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WarmJob_teamId_startedAt_idx" ON "WarmJob"("teamId", "startedAt");

-- AddForeignKey
ALTER TABLE "WarmJob" ADD CONSTRAINT "WarmJob_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
