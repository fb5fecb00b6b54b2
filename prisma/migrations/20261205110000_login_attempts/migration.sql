-- Login attempts counted in the database, so every server counts the same ones (lib/server/auth/rate-limit.ts).

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "client" TEXT,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "LoginAttempt_client_at_idx" ON "LoginAttempt"("client", "at");

-- CreateIndex
CREATE INDEX "LoginAttempt_at_idx" ON "LoginAttempt"("at");

