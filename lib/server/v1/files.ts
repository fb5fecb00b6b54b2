import 'server-only'
import { rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { db } from '@/lib/server/db'
import { deleteFile, downloadFile } from '@/lib/server/files'
import { ingestFile } from '@/lib/server/files/ingest'
import { newFileId, newTempName } from '@/lib/server/ids'
import { BATCH_FILE_RETENTION_SECONDS, EXPIRES_AFTER_MAX_SECONDS, EXPIRES_AFTER_MIN_SECONDS } from '@/lib/validations/batches'
import { ensureStorageDirs, storageDirs, storedFilePath, toStoragePath } from '@/lib/server/storage'
import { V1Error, noSuchFile } from './errors'
import { parseMultipart } from './multipart'
import { toOpenAIFile, toOpenAIList } from './serializers'

// OpenAI's upload purposes (spec `CreateFileRequest`).
const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const
const UPLOAD_FIELDS = new Set(['file', 'purpose', 'expires_after[anchor]', 'expires_after[seconds]'])
const MAX_FILE_BYTES = 512 * 1024 * 1024

export const fileListQuery = z.object({
  purpose: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).max(200).optional(),
})

export const fileIdParams = z.object({ fileId: z.string().min(1).max(200) })

const uploadFields = z.object({
  purpose: z.enum(UPLOAD_PURPOSES),
  'expires_after[anchor]': z.literal('created_at').optional(),
  'expires_after[seconds]': z.coerce.number().int().min(EXPIRES_AFTER_MIN_SECONDS).max(EXPIRES_AFTER_MAX_SECONDS).optional(),
})

function missing(name: string) {
  return new V1Error(400, `Missing required parameter: '${name}'.`, { param: name, code: 'missing_required_parameter' })
}

/** POST /v1/files: streamed to a temp dir under DATA_DIR, then stored like a dashboard upload (bad lines kept). */
export async function uploadV1File(request: Request) {
  const contentType = request.headers.get('content-type')
  if (!request.body) throw new V1Error(400, `The request has no body; send the file and 'purpose' as multipart/form-data.`)
  await ensureStorageDirs()
  const dir = path.join(storageDirs.uploads, newTempName('v1'))
  try {
    const { fields, file } = await parseMultipart(request.body, contentType, dir, { maxFileBytes: MAX_FILE_BYTES, maxFieldBytes: 64 * 1024, maxParts: 10 })
    for (const name of [...fields.keys(), ...(file ? [file.field] : [])]) {
      if (!UPLOAD_FIELDS.has(name)) throw new V1Error(400, `Unrecognized request argument supplied: ${name}`, { param: name })
    }
    if (!file || file.field !== 'file') {
      // busboy skips a part whose Content-Disposition it cannot read, so a client that sent one is told why here.
      throw new V1Error(
        400,
        "Missing required parameter: 'file'. A part whose Content-Disposition header cannot be read (such as a filename* with a bad percent-encoding) is skipped; check how the form is encoded.",
        { param: 'file', code: 'missing_required_parameter' },
      )
    }
    if (!fields.has('purpose')) throw missing('purpose')
    const parsed = uploadFields.safeParse(Object.fromEntries(fields))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const param = issue.path.join('.')
      throw new V1Error(400, `Invalid value for '${param}': ${fields.get(param) ?? ''} (${issue.message}).`, { param, code: 'invalid_value' })
    }
    const { purpose } = parsed.data
    if (purpose === 'batch' && !file.filename.toLowerCase().endsWith('.jsonl')) throw new V1Error(400, 'Invalid file format for Batch API. Must be .jsonl')
    const filename = path.basename(file.filename.replace(/\\/g, '/')) || 'unknown_file'
    const expiresAfter = parsed.data['expires_after[seconds]'] ?? (purpose === 'batch' ? BATCH_FILE_RETENTION_SECONDS : null)
    let row
    if (purpose === 'batch') {
      // Bad lines are accepted here, as by OpenAI: they fail the batch at validation, with line numbers.
      const { file: stored } = await ingestFile(file.path, { filename, rejectInvalid: false, reuseDuplicate: false })
      row = stored
    } else {
      const id = newFileId()
      await rename(file.path, storedFilePath(id))
      row = await db.file.create({ data: { id, filename, purpose, bytes: BigInt(file.bytes), storagePath: toStoragePath(storedFilePath(id)) } })
    }
    if (expiresAfter !== null) {
      row = await db.file.update({
        where: { id: row.id },
        data: { expiresAt: new Date(Math.floor(row.createdAt.getTime() / 1000) * 1000 + expiresAfter * 1000) },
      })
    }
    return toOpenAIFile(row)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export async function listV1Files(query: z.infer<typeof fileListQuery>) {
  const rows = await db.file.findMany({
    where: { connectionId: BUILTIN_CONNECTION_ID, storagePath: { not: null }, purpose: query.purpose },
    orderBy: [{ createdAt: query.order }, { id: query.order }],
    take: query.limit + 1,
    ...(query.after ? { cursor: { id: query.after }, skip: 1 } : {}),
  })
  return toOpenAIList(rows.map(toOpenAIFile), query.limit)
}

async function findV1File(fileId: string) {
  const row = await db.file.findFirst({ where: { id: fileId, connectionId: BUILTIN_CONNECTION_ID, storagePath: { not: null } } })
  if (!row) throw noSuchFile(fileId)
  return row
}

export async function getV1File(fileId: string) {
  return toOpenAIFile(await findV1File(fileId))
}

export async function deleteV1File(fileId: string) {
  await findV1File(fileId)
  await deleteFile(fileId)
  return { id: fileId, object: 'file' as const, deleted: true }
}

export async function getV1FileContent(fileId: string): Promise<Response> {
  await findV1File(fileId)
  return downloadFile(fileId)
}
