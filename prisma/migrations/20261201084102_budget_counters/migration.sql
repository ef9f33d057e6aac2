-- CreateTable
CREATE TABLE "BudgetCounter" (
    "key" TEXT NOT NULL,
    "spent" BIGINT NOT NULL DEFAULT 0,
    "expireAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BudgetCounter_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "BudgetReservation" (
    "key" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BudgetReservation_pkey" PRIMARY KEY ("key","id")
);
