import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NextRequest } from 'next/server'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { GET as enrichedRoute } from '@/app/api/batches/[batchId]/enriched.csv/route'
import { GET as templatesRoute } from '@/app/api/builder/templates/route'
import { PUT as sourceTableRoute } from '@/app/api/files/[fileId]/source-table/route'
import { createBatch } from '@/lib/actions/batches'
import { deleteFile } from '@/lib/actions/files'
import { deleteBuilderTemplate, saveBuilderTemplate } from '@/lib/actions/builder'
import { buildBatchFile, partText, type BuiltPart, type Table } from '@/lib/builder'
import { ABANDONED_EXPORT_MS, sweepExports } from '@/lib/server/builder/enriched'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath, storageDirs, toStoragePath } from '@/lib/server/storage'
import { workerPoolStats } from '@/lib/server/workers/pool'
import { DEFAULT_BUILD_CONFIG, type BuildConfig } from '@/lib/validations/builder'
import { useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { callRoute } from '@/tests/support/routes'

const config: BuildConfig = { ...DEFAULT_BUILD_CONFIG, model: 'sim-chat', userPrompt: 'Describe {{name}} ({{id}})', customIdColumn: 'id' }

async function storePart(part: BuiltPart) {
  const temp = path.join(os.tmpdir(), `builder-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, partText(part))
  const { file } = await ingestFile(temp, { filename: part.name, rejectInvalid: true, reuseDuplicate: false })
  return file
}

function sourceBody(table: Table, part: BuiltPart, customIds = part.customIds) {
  const header = { filename: 'products.csv', columns: table.columns, firstRow: part.firstRow, answerFields: null }
  const rows = customIds.map((customId, index) => JSON.stringify({ custom_id: customId, values: table.rows[part.firstRow + index] }))
  return [JSON.stringify(header), ...rows].join('\n')
}

async function putSource(fileId: string, body: string) {
  const request = new NextRequest(new URL(`/api/files/${fileId}/source-table`, 'http://127.0.0.1'), { method: 'PUT', body })
  const response = await sourceTableRoute(request, { params: Promise.resolve({ fileId }) })
  return { status: response.status, body: (await response.json()) as unknown }
}

async function exportCsv(batchId: string) {
  const response = await enrichedRoute(new NextRequest(new URL(`/api/batches/${batchId}/enriched.csv`, 'http://127.0.0.1')), {
    params: Promise.resolve({ batchId }),
  })
  return { response, text: await response.text() }
}

describe('back to the table', () => {
  useEngineWithSimulator()

  // Ids in an order that is not sorted, with a comma, a quote and a "status" column of the table's own.
  const table: Table = {
    columns: ['id', 'name', 'status'],
    rows: [
      ['z-9', 'Red, shoe', 'new'],
      ['a-1', 'The "blue" hat', 'old'],
      ['m-5', 'Grüne Jacke 🧥', null],
    ],
  }

  it('refuses a table whose custom_ids do not follow the file, and keeps nothing', async () => {
    const [part] = buildBatchFile(table, config, { filename: 'products.csv' }).parts
    const file = await storePart(part!)
    const swapped = [part!.customIds[1]!, part!.customIds[0]!, part!.customIds[2]!]
    const refused = await putSource(file.id, sourceBody(table, part!, swapped))
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ error: { code: 'invalid_source_table', message: expect.stringContaining('Send the rows in the file') } })
    expect(await db.sourceTable.findUnique({ where: { fileId: file.id } })).toBeNull()

    const short = await putSource(file.id, sourceBody(table, part!).split('\n').slice(0, 3).join('\n'))
    expect(short.body).toMatchObject({ error: { message: 'The table has 2 rows but the file has 3 requests; send one row per request.' } })
  })

  it('runs a built file on the engine and exports every source row in order with its answer, status and error', async () => {
    const [part] = buildBatchFile(table, config, { filename: 'products.csv' }).parts
    const file = await storePart(part!)
    expect(await putSource(file.id, sourceBody(table, part!))).toEqual({ status: 200, body: { fileId: file.id, rowCount: 3 } })

    const created = await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h' })
    if (!created.ok) throw new Error(created.error.message)
    const batchId = created.data.id
    await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id: batchId } }),
      (batch) => batch.status === 'completed',
    )

    const { response, text } = await exportCsv(batchId)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toContain(encodeURIComponent(`products-${batchId}-answers.csv`))
    const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data
    expect(rows[0]).toEqual(['id', 'name', 'status', 'answer', 'status (batch)', 'error'])
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['z-9', 'Red, shoe', 'new'],
      ['a-1', 'The "blue" hat', 'old'],
      ['m-5', 'Grüne Jacke 🧥', ''],
    ])
    for (const row of rows.slice(1)) {
      expect(row[3]).toMatch(/^Simulated answer/)
      expect(row.slice(4)).toEqual(['completed', ''])
    }
  })

  it('gives structured answers a column per field, guards formula-like text, and reports failures and lines without a result', async () => {
    const schema = '{"type":"object","properties":{"sentiment":{"type":"string"},"score":{"type":"number"}}}'
    const structured = { ...config, jsonSchema: schema }
    const { parts, answerFields } = buildBatchFile(table, structured, { filename: 'products.csv' })
    const file = await storePart(parts[0]!)
    const header = { filename: 'products.csv', columns: table.columns, firstRow: 0, answerFields }
    const body = [
      JSON.stringify(header),
      ...parts[0]!.customIds.map((customId, index) => JSON.stringify({ custom_id: customId, values: table.rows[index] })),
    ].join('\n')
    expect((await putSource(file.id, body)).status).toBe(200)

    // Result files as the engine writes them: z-9 answered (with a formula and a negative number), a-1 failed.
    mkdirSync(storageDirs.files, { recursive: true })
    const write = async (name: string, lines: unknown[]) => {
      const absolute = path.join(storageDirs.files, `${name}-${Date.now()}.jsonl`)
      writeFileSync(absolute, lines.map((line) => JSON.stringify(line)).join('\n') + '\n')
      return db.file.create({
        data: { id: `file-${name}${Date.now()}`, filename: `${name}.jsonl`, purpose: 'batch_output', bytes: 1n, storagePath: toStoragePath(absolute) },
      })
    }
    const answer = JSON.stringify({ sentiment: '=HYPERLINK("http://x")', score: -0.5 })
    const output = await write('out', [
      { id: 'r1', custom_id: 'z-9', response: { status_code: 200, body: { choices: [{ message: { content: answer } }] } }, error: null },
    ])
    const errors = await write('err', [
      { id: 'r2', custom_id: 'a-1', response: { status_code: 400, body: { error: { message: 'Bad image', code: 'invalid_value' } } }, error: null },
    ])
    const batch = await db.batch.create({
      data: {
        id: `batch_t${Date.now()}`,
        connectionId: 'builtin',
        endpoint: '/v1/chat/completions',
        status: 'completed',
        inputFileId: file.id,
        outputFileId: output.id,
        errorFileId: errors.id,
      },
    })

    const rows = Papa.parse<string[]>((await exportCsv(batch.id)).text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data
    expect(rows).toEqual([
      ['id', 'name', 'status', 'sentiment', 'score', 'status (batch)', 'error'],
      ['z-9', 'Red, shoe', 'new', `'=HYPERLINK("http://x")`, '-0.5', 'completed', ''],
      ['a-1', 'The "blue" hat', 'old', '', '', 'failed', 'invalid_value: Bad image'],
      ['m-5', 'Grüne Jacke 🧥', '', '', '', 'not_run', ''],
    ])
  })

  it('writes the table in the worker pool to a file it streams, and leaves no file behind, read whole or cancelled', async () => {
    const [part] = buildBatchFile(table, config, { filename: 'products.csv' }).parts
    const file = await storePart(part!)
    expect((await putSource(file.id, sourceBody(table, part!))).status).toBe(200)
    // Ended without results: no engine work, so the pool runs only the export's task.
    const batch = await db.batch.create({
      data: { id: `batch_w${Date.now()}`, connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'expired', inputFileId: file.id },
    })
    const before = workerPoolStats().completed
    const rows = Papa.parse<string[]>((await exportCsv(batch.id)).text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data
    expect(rows.map((row) => [row[0], row[4]])).toEqual([
      ['id', 'status (batch)'],
      ['z-9', 'not_run'],
      ['a-1', 'not_run'],
      ['m-5', 'not_run'],
    ])
    expect(workerPoolStats().completed - before).toBeGreaterThanOrEqual(1)
    expect(readdirSync(storageDirs.exports)).toEqual([])

    const cancelled = await enrichedRoute(new NextRequest(new URL(`/api/batches/${batch.id}/enriched.csv`, 'http://127.0.0.1')), {
      params: Promise.resolve({ batchId: batch.id }),
    })
    await cancelled.body!.cancel()
    expect(readdirSync(storageDirs.exports)).toEqual([])
  })

  it('sweeps a table a stopped process left half-written, and not one being written now', async () => {
    mkdirSync(storageDirs.exports, { recursive: true })
    const stale = path.join(storageDirs.exports, 'batch_stale-export.csv')
    const fresh = path.join(storageDirs.exports, 'batch_fresh-export.csv')
    writeFileSync(stale, 'id\r\n')
    writeFileSync(fresh, 'id\r\n')
    const longAgo = (Date.now() - ABANDONED_EXPORT_MS - 60_000) / 1000
    utimesSync(stale, longAgo, longAgo)
    expect(await sweepExports()).toBe(1)
    expect(readdirSync(storageDirs.exports)).toEqual(['batch_fresh-export.csv'])
    expect(await sweepExports(0)).toBe(1)
    expect(readdirSync(storageDirs.exports)).toEqual([])
  })

  it('answers 404 with what to do for a batch whose file was not built from a table', async () => {
    const [part] = buildBatchFile({ columns: ['id', 'name'], rows: [['x-1', 'solo']] }, config).parts
    const file = await storePart(part!)
    const created = await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h' })
    if (!created.ok) throw new Error(created.error.message)
    const { status, body } = await callRoute(enrichedRoute, `/api/batches/${created.data.id}/enriched.csv`, { batchId: created.data.id })
    expect(status).toBe(404)
    expect(body).toMatchObject({ error: { code: 'no_source_table', message: expect.stringContaining('Download its output file instead') } })
  })

  it('deleting the file deletes its table', async () => {
    const [part] = buildBatchFile(table, config, { filename: 'products.csv' }).parts
    const file = await storePart(part!)
    await putSource(file.id, sourceBody(table, part!))
    const stored = await db.sourceTable.findUniqueOrThrow({ where: { fileId: file.id } })
    expect(existsSync(fromStoragePath(stored.storagePath))).toBe(true)
    expect(await deleteFile({ fileId: file.id })).toEqual({ ok: true, data: { id: file.id } })
    expect(existsSync(fromStoragePath(stored.storagePath))).toBe(false)
    expect(await db.sourceTable.findUnique({ where: { fileId: file.id } })).toBeNull()
  })
})

describe('saved templates', () => {
  it('saves, replaces by name, lists and deletes; refuses a bad temperature naming the field', async () => {
    const saved = await saveBuilderTemplate({ name: 'Reviews', config })
    if (!saved.ok) throw new Error(saved.error.message)
    await saveBuilderTemplate({ name: 'Reviews', config: { ...config, temperature: 0.5 } })
    const listed = await callRoute(templatesRoute, '/api/builder/templates')
    expect(listed.body).toEqual([{ id: saved.data.id, name: 'Reviews', config: { ...config, temperature: 0.5 }, updatedAt: expect.any(String) }])

    const bad = await saveBuilderTemplate({ name: 'Hot', config: { ...config, temperature: 3 } })
    expect(bad).toMatchObject({ ok: false, error: { param: 'config.temperature', message: expect.stringContaining('between 0 and 2') } })

    expect(await deleteBuilderTemplate({ templateId: saved.data.id })).toEqual({ ok: true, data: { id: saved.data.id } })
    expect((await callRoute(templatesRoute, '/api/builder/templates')).body).toEqual([])
  })
})
