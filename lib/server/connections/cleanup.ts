import 'server-only'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'
import { env } from '@/lib/server/env'
import { getProviderConnection } from './provider'
import { describeProviderError, isNotFound } from './provider-errors'
import type { ProviderConnection } from './types'
import { newCleanupNoteId } from '@/lib/server/ids'
import { backoffMs } from '@/lib/server/retry'

/** How long a just-uploaded file may wait for its batch row before the sweep deletes it (covers a crash in between). */
export const UPLOAD_GRACE_MS = 60 * 60 * 1000
/** A failed deletion is tried again after a minute, then ever less often, at least every 6 hours. */
const DELETE_BACKOFF = { baseMs: 60_000, maxMs: 6 * 60 * 60 * 1000 }

/** Notes a remote file that no batch holds yet; due for deletion at `dueAt` unless the note is removed first. */
export async function recordRemoteFile(connectionId: string, remoteFileId: string, reason: string, dueAt: Date): Promise<string> {
  const row = await db.remoteFileCleanup.upsert({
    where: { connectionId_remoteFileId: { connectionId, remoteFileId } },
    create: { id: newCleanupNoteId(), connectionId, remoteFileId, reason, nextAttemptAt: dueAt },
    update: { reason, nextAttemptAt: dueAt },
  })
  return row.id
}

/**
 * Deletes one noted file on its provider: done (or already gone) removes the note, a failure reschedules it.
 * `known` is the note's connection when the caller has it at hand.
 */
export async function deleteNotedFile(id: string, known?: ProviderConnection): Promise<boolean> {
  const note = await db.remoteFileCleanup.findUnique({ where: { id } })
  if (!note) return true
  let connection: ProviderConnection | null = null
  try {
    connection = known?.id === note.connectionId ? known : await getProviderConnection(note.connectionId)
    await connection.api.deleteFile(note.remoteFileId).catch((error: unknown) => {
      if (!isNotFound(error)) throw error
    })
    await db.remoteFileCleanup.deleteMany({ where: { id } })
    return true
  } catch (error) {
    const attempts = note.attempts + 1
    await db.remoteFileCleanup.updateMany({
      where: { id },
      data: {
        attempts,
        lastError: (connection ? connection.api.describeError(error) : describeProviderError(error, env.providerTimeoutMs)).message,
        nextAttemptAt: new Date(Date.now() + backoffMs(attempts, DELETE_BACKOFF)),
      },
    })
    return false
  }
}

/** Deletes the noted files that are due, a few at a time. */
export async function sweepRemoteFiles(limit = 10): Promise<void> {
  // Asked at every tick of the sync loop, on the thread that answers requests: a prepared read (lib/server/db/prepared.ts).
  const due = await queryRows<{ id: string }>(
    Prisma.sql`SELECT n."id" FROM "RemoteFileCleanup" AS n WHERE n."nextAttemptAt" <= ${new Date()} ORDER BY n."nextAttemptAt" ASC LIMIT ${limit}`,
  )
  for (const { id } of due) await deleteNotedFile(id)
}
