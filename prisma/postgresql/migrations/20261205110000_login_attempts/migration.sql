-- Login attempts counted in the database, so every server counts the same ones (lib/server/auth/rate-limit.ts).
-- The PostgreSQL twin of prisma/migrations/20261205110000_login_attempts.

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" SERIAL NOT NULL,
    "client" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LoginAttempt_client_at_idx" ON "LoginAttempt"("client", "at");

-- CreateIndex
CREATE INDEX "LoginAttempt_at_idx" ON "LoginAttempt"("at");
