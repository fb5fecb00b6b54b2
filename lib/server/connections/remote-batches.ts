import 'server-only'
import { isTerminal, type BatchStatus } from '@/lib/batch'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'
import { newBatchId } from '@/lib/server/ids'
import { backoffMs, withRetries } from '@/lib/server/retry'
import { fromStoragePath } from '@/lib/server/storage'
import { deleteNotedFile, recordRemoteFile, UPLOAD_GRACE_MS } from './cleanup'
import { isConflict, isNotFound, isRetryable, providerRetryAfterMs } from './provider-errors'
import { requestSync, rowFromRemote, scheduleAfter, scheduleNew } from './sync'
import type { CreateRemoteBatch, ImportResult, ProviderConnection, RemoteBatch, StartBatchInput } from './types'

/** Three attempts, 0.5 s then 1 s apart (with jitter) unless the provider's Retry-After says otherwise. */
const PROVIDER_RETRIES = { attempts: 3, backoff: { baseMs: 500, maxMs: 2_000 } }
/** Longer Retry-After than this is not waited out inside a user's click: they get the message instead. */
const MAX_WAIT_MS = 20_000

/** Calls the provider, repeating what is safe to repeat (see isRetryable), honouring Retry-After. */
export function withProviderRetries<T>(call: () => Promise<T>, kind: 'read' | 'create'): Promise<T> {
  return withRetries(call, {
    attempts: PROVIDER_RETRIES.attempts,
    delayMs: (error, attempt) => {
      if (!isRetryable(error, kind)) return null
      const wait = providerRetryAfterMs(error) ?? backoffMs(attempt, PROVIDER_RETRIES.backoff)
      return wait > MAX_WAIT_MS ? null : wait
    },
  })
}

/** A provider's refusal as the user reads it: what we tried, on which connection, and the provider's words verbatim. */
function providerError(connection: ProviderConnection, doing: string, error: unknown, after = ''): AppError {
  const { status, message } = connection.api.describeError(error)
  const wait = providerRetryAfterMs(error)
  const retry = status === 429 && wait !== null ? ` Try again in ${Math.ceil(wait / 1000)} s.` : ''
  // 4xx: the request was wrong (the user can fix it); anything else: the provider failed (502).
  const httpStatus = status !== null && status >= 400 && status < 500 && status !== 429 ? 400 : 502
  return new AppError(httpStatus, 'provider_error', `${connection.name} could not ${doing}: ${message}${retry}${after}`, { param: 'connectionId' })
}

/**
 * Starts a batch on a provider: uploads the stored file (streamed, with a .jsonl name), notes the remote
 * file at once, creates the batch and records it in the same transaction that drops the note. If creation fails the
 * uploaded file is deleted on the provider (or stays noted, and the sync's sweep deletes it later): nothing orphaned.
 */
export async function createRemoteBatch(connection: ProviderConnection, input: StartBatchInput): Promise<{ id: string }> {
  if (!input.file.storagePath)
    throw new AppError(409, 'file_not_local', `${input.file.filename} has no local copy to upload; choose another file.`, { param: 'fileId' })
  const path = fromStoragePath(input.file.storagePath)
  const filename = input.file.filename.toLowerCase().endsWith('.jsonl') ? input.file.filename : `${input.file.filename.replace(/\.[^.]*$/, '')}.jsonl`

  let uploaded
  try {
    uploaded = await withProviderRetries(() => connection.api.uploadFile({ path, filename }), 'create')
  } catch (error) {
    throw providerError(connection, 'take the input file', error, ' Nothing was started.')
  }
  const noteId = await recordRemoteFile(connection.id, uploaded.id, 'uploaded for a batch that was not recorded', new Date(Date.now() + UPLOAD_GRACE_MS))

  let remote: RemoteBatch
  try {
    const params: CreateRemoteBatch = {
      inputFileId: uploaded.id,
      endpoint: input.file.endpoint as CreateRemoteBatch['endpoint'],
      completionWindow: input.completionWindow,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      ...(input.outputExpiresAfterSeconds ? { outputExpiresAfterSeconds: input.outputExpiresAfterSeconds } : {}),
    }
    remote = await withProviderRetries(() => connection.api.createBatch(params), 'create')
  } catch (error) {
    // Deleted here and now; only if that fails does the note fall due for the sweep (after a backoff).
    await db.remoteFileCleanup.update({ where: { id: noteId }, data: { reason: 'batch creation failed' } })
    const deleted = await deleteNotedFile(noteId, connection)
    throw providerError(
      connection,
      'create the batch',
      error,
      deleted ? ' The uploaded input file was deleted again; nothing was started.' : ' The uploaded input file will be deleted from the provider shortly.',
    )
  }

  const id = newBatchId()
  const columns = rowFromRemote(remote)
  await db.$transaction([
    db.batch.create({
      data: {
        // What we asked for, in case the provider's answer leaves a field out.
        status: 'validating',
        endpoint: input.file.endpoint,
        completionWindow: input.completionWindow,
        description: input.metadata?.description ?? null,
        createdAt: new Date(),
        ...columns,
        metadata: columns.metadata ?? input.metadata ?? undefined,
        id,
        connectionId: connection.id,
        remoteId: remote.id,
        remoteInputFileId: uploaded.id,
        inputFileId: input.file.id,
        parentBatchId: input.parentBatchId,
        nextSyncAt: scheduleNew(columns),
      },
    }),
    db.remoteFileCleanup.delete({ where: { id: noteId } }),
  ])
  await requestSync(id)
  return { id }
}

async function findRemoteBatch(connection: ProviderConnection, batchId: string) {
  const batch = await db.batch.findUnique({ where: { id: batchId } })
  if (!batch?.remoteId || batch.connectionId !== connection.id)
    throw new AppError(404, 'not_found', `No remote batch with id '${batchId}' on ${connection.name}. Reload the list.`, { param: 'batchId' })
  return { batch, remoteId: batch.remoteId }
}

async function store(batchId: string, remote: RemoteBatch) {
  const row = await db.batch.update({ where: { id: batchId }, data: rowFromRemote(remote) })
  return db.batch.update({ where: { id: batchId }, data: { nextSyncAt: scheduleAfter(row, true) } })
}

/**
 * Cancels on the provider. Cancel is idempotent, so it is retried like a read. A 409 (the batch finished meanwhile)
 * refreshes the row and answers the provider's message.
 */
export async function cancelRemoteBatch(connection: ProviderConnection, batchId: string): Promise<{ id: string; status: BatchStatus }> {
  const { remoteId } = await findRemoteBatch(connection, batchId)
  try {
    const remote = await withProviderRetries(() => connection.api.cancelBatch(remoteId), 'read')
    const row = await store(batchId, remote)
    await requestSync(batchId)
    return { id: row.id, status: row.status }
  } catch (error) {
    if (isConflict(error)) {
      await connection.api
        .retrieveBatch(remoteId)
        .then((remote) => store(batchId, remote))
        .catch(() => {})
    }
    throw providerError(connection, 'cancel the batch', error)
  }
}

/**
 * Deletes the batch's files on the provider (OpenAI has no way to delete a batch itself): input, output and error.
 * A file already gone counts as deleted; one that cannot be deleted now is noted and retried by the sync's sweep.
 * The local copies stay in Files.
 */
export async function deleteRemoteBatchFiles(connection: ProviderConnection, batchId: string): Promise<{ deleted: number; pending: number }> {
  const { batch } = await findRemoteBatch(connection, batchId)
  if (!isTerminal(batch.status)) {
    throw new AppError(409, 'batch_active', `This batch is still ${batch.status.replace('_', ' ')}. Cancel it, or wait for it to finish, then delete it.`, {
      param: 'batchId',
    })
  }
  let deleted = 0
  let pending = 0
  for (const fileId of [batch.remoteInputFileId, batch.remoteOutputFileId, batch.remoteErrorFileId]) {
    if (!fileId) continue
    try {
      await withProviderRetries(() => connection.api.deleteFile(fileId), 'read')
      deleted++
    } catch (error) {
      if (isNotFound(error)) deleted++
      else {
        await recordRemoteFile(connection.id, fileId, `files of deleted batch ${batch.remoteId}`, new Date(Date.now() + 60_000))
        pending++
      }
    }
  }
  return { deleted, pending }
}

/** Pages through every batch on the provider (the SDK's cursor: `after` = the last id seen). */
async function* allRemoteBatches(connection: ProviderConnection): AsyncGenerator<RemoteBatch> {
  let after: string | undefined
  // 100,000 batches at 100 a page: a bound, so a server that ignores `after` cannot loop forever.
  for (let page = 0; page < 1000; page++) {
    const result = await withProviderRetries(() => connection.api.listBatches({ limit: 100, ...(after ? { after } : {}) }), 'read')
    yield* result.data
    if (!result.hasMore || !result.lastId || result.lastId === after) return
    after = result.lastId
  }
}

/**
 * Records one batch found on the provider, as Import does: createdAt is the provider's, recordedAt now, file ids
 * kept, and it syncs like ours from then on. `local` adds what Batchboard knows that the provider does not.
 */
export async function recordImportedBatch(connectionId: string, remote: RemoteBatch, local: { inputFileId?: string; jobId?: string }): Promise<{ id: string }> {
  const columns = rowFromRemote(remote)
  const id = newBatchId()
  await db.$transaction([
    db.batch.create({
      data: {
        status: 'validating',
        endpoint: '',
        ...columns,
        ...local,
        id,
        connectionId,
        remoteId: remote.id,
        recordedAt: new Date(),
        nextSyncAt: scheduleNew(columns),
      },
    }),
    // An upload whose create answer was lost is noted for deletion; the batch found now uses it.
    db.remoteFileCleanup.deleteMany({ where: { connectionId, remoteFileId: remote.input_file_id ?? '' } }),
  ])
  return { id }
}

/**
 * Records every batch on the connection that Batchboard does not know yet (made by scripts, notebooks, another
 * dashboard): createdAt is the provider's, recordedAt now, file ids kept; they then sync like ours, so finished
 * ones get their output copied here.
 */
export async function importRemoteBatches(connection: ProviderConnection): Promise<ImportResult> {
  const connectionId = connection.id
  const known = new Set((await db.batch.findMany({ where: { connectionId }, select: { remoteId: true } })).map((row) => row.remoteId))
  let seen = 0
  let imported = 0
  try {
    for await (const remote of allRemoteBatches(connection)) {
      seen++
      if (typeof remote.id !== 'string' || known.has(remote.id)) continue
      known.add(remote.id)
      await recordImportedBatch(connectionId, remote, {})
      imported++
    }
  } catch (error) {
    throw providerError(
      connection,
      'list its batches',
      error,
      imported > 0 ? ` ${imported} batches were imported before the failure; run Import again for the rest.` : '',
    )
  }
  return { seen, imported }
}
