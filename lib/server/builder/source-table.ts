import 'server-only'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { ensureStorageDirs, fromStoragePath, sourceTablePath, toStoragePath } from '@/lib/server/storage'
import { sourceTableHeader, sourceTableRow, type SourceTableHeader } from '@/lib/validations/builder'
import { textLines } from './lines'
import { newTempName } from '@/lib/server/ids'

/** A table is smaller than the requests built from it (they repeat the prompt), so twice the batch file limit is ample. */
export const SOURCE_TABLE_MAX_BYTES = 400 * 1024 * 1024

export type StoredSourceTable = { fileId: string; rowCount: number }

const invalid = (message: string, line?: number) => new AppError(400, 'invalid_source_table', message, { line })

/**
 * Keeps the table a batch file was built from, beside the file: the body is JSONL, a header line
 * (`sourceTableHeader`) and then one `{ custom_id, values }` per request, which must match the stored file's
 * custom_ids line for line. Written to a temporary file and moved into place, then recorded; a refused or
 * cut-off upload leaves nothing. Uploading again replaces the table (the same bytes can be built from two tables).
 */
export async function storeSourceTable(fileId: string, body: ReadableStream<Uint8Array> | null): Promise<StoredSourceTable> {
  const file = await db.file.findUnique({ where: { id: fileId }, select: { id: true, purpose: true, storagePath: true, lineCount: true } })
  if (!file) throw notFound('file', fileId)
  if (file.purpose !== 'batch' || file.storagePath === null) {
    throw new AppError(409, 'not_an_input_file', 'A table can only be kept with a batch input file stored in Batchboard.', { param: 'fileId' })
  }
  if (!body) throw invalid('The request had no body. Send the table as JSONL: a header line, then one row per request.')

  await ensureStorageDirs()
  const finalPath = sourceTablePath(fileId)
  const tempPath = `${finalPath}.${newTempName('part')}.tmp`
  const out = createWriteStream(tempPath)
  // Without a listener, a write still in flight when a refused table destroys the stream throws an uncaught
  // ERR_STREAM_DESTROYED; a real write error is reported by finished() below.
  out.on('error', () => {})
  try {
    let header: SourceTableHeader | null = null
    const customIds: string[] = []
    let line = 0
    const lines = textLines(body as unknown as AsyncIterable<Uint8Array>, {
      maxBytes: SOURCE_TABLE_MAX_BYTES,
      tooLarge: () =>
        new AppError(413, 'source_table_too_large', `The table is larger than ${SOURCE_TABLE_MAX_BYTES / 1024 / 1024} MB. Build from a smaller table.`),
    })
    for await (const text of lines) {
      line++
      if (text.trim() === '') continue
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        throw invalid(`Line ${line} of the table is not valid JSON.`, line)
      }
      if (header === null) {
        const parsed = sourceTableHeader.safeParse(value)
        if (!parsed.success) throw invalid('The first line must describe the table: { filename, columns, firstRow, answerFields }.', line)
        header = parsed.data
      } else {
        const parsed = sourceTableRow.safeParse(value)
        if (!parsed.success || parsed.data.values.length !== header.columns.length) {
          throw invalid(`Line ${line} must be { "custom_id": "…", "values": [ … ] } with one value per column (${header.columns.length}).`, line)
        }
        customIds.push(parsed.data.custom_id)
      }
      if (out.errored) throw out.errored
      if (!out.write(`${text}\n`)) await once(out, 'drain')
    }
    if (header === null || customIds.length === 0) throw invalid('The table has no rows. Send the header line, then one row per request.')
    if (customIds.length !== file.lineCount) {
      throw invalid(`The table has ${customIds.length} rows but the file has ${file.lineCount ?? 0} requests; send one row per request.`)
    }
    await checkSameOrder(fromStoragePath(file.storagePath), customIds)
    out.end()
    await finished(out)
    await rename(tempPath, finalPath)
    const data = {
      filename: header.filename,
      columns: header.columns,
      rowCount: customIds.length,
      firstRow: header.firstRow,
      answerFields: header.answerFields ?? undefined,
      storagePath: toStoragePath(finalPath),
    }
    try {
      await db.sourceTable.upsert({ where: { fileId }, create: { fileId, ...data }, update: data })
    } catch (error) {
      await rm(finalPath, { force: true })
      throw error
    }
    return { fileId, rowCount: customIds.length }
  } finally {
    // Closed before the temp file goes, so no write lands after the rm.
    out.destroy()
    await finished(out).catch(() => {})
    await rm(tempPath, { force: true })
  }
}

/** The mapping custom_id → row must follow the file exactly, or answers would land on the wrong rows. */
async function checkSameOrder(batchFilePath: string, customIds: string[]): Promise<void> {
  let index = 0
  for await (const text of textLines(createReadStream(batchFilePath))) {
    if (text.trim() === '') continue
    const customId = (JSON.parse(text) as { custom_id?: unknown }).custom_id
    if (customId !== customIds[index]) {
      throw invalid(
        `Row ${index + 1} of the table has custom_id “${customIds[index] ?? ''}” but request ${index + 1} of the file has “${String(customId)}”. Send the rows in the file's order.`,
        index + 2,
      )
    }
    index++
  }
}
