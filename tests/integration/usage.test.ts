import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getBatch } from '@/app/api/batches/[batchId]/route'
import { GET as getBatches } from '@/app/api/batches/route'
import { GET as getPrices } from '@/app/api/prices/route'
import { GET as getUsage } from '@/app/api/usage/route'
import { deletePrice, resetPrices, savePrice } from '@/lib/actions/prices'
import { db } from '@/lib/server/db'
import { storageDirs, toStoragePath } from '@/lib/server/storage'
import type { BatchDetail, BatchListPage, PriceTable, UsageReport } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

const at = (day: string) => new Date(`${day}T12:00:00Z`)

async function seedBatch(
  id: string,
  data: { connectionId: string; model: string; day: string; input?: number; cached?: number; output?: number; upstream?: string },
) {
  const tokens =
    data.input === undefined
      ? {}
      : {
          usageInputTokens: data.input,
          usageCachedTokens: data.cached ?? 0,
          usageOutputTokens: data.output ?? 0,
          usageReasoningTokens: 0,
          usageTotalTokens: data.input + (data.output ?? 0),
        }
  await db.batch.create({
    data: {
      id,
      connectionId: data.connectionId,
      endpoint: '/v1/chat/completions',
      model: data.model,
      status: 'completed',
      createdAt: at(data.day),
      completedAt: at(data.day),
      ...tokens,
      ...(data.upstream ? { engineRun: { create: { upstreamName: data.upstream } } } : {}),
    },
  })
}

const usage = async (query: string) => {
  const { status, body } = await callRoute(getUsage, `/api/usage${query}`)
  expect(status).toBe(200)
  return body as UsageReport
}

beforeAll(async () => {
  await db.connection.create({ data: { id: 'conn_openai', kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1' } })
  // 800k fresh input at $0.075, 200k cached at $0.0375, 500k output at $0.30 per 1M (gpt-4o-mini batch prices)
  await seedBatch('batch_mini', {
    connectionId: 'conn_openai',
    model: 'gpt-4o-mini-2024-07-18',
    day: '2026-11-20',
    input: 1_000_000,
    cached: 200_000,
    output: 500_000,
  })
  await seedBatch('batch_sim', { connectionId: 'builtin', model: 'gpt-4o-mini', day: '2026-11-21', input: 600, output: 400, upstream: 'simulator' })
  await seedBatch('batch_mystery', { connectionId: 'conn_openai', model: 'mystery-model', day: '2026-11-21', input: 1500, output: 500 })
  await seedBatch('batch_local', { connectionId: 'builtin', model: 'llama3.1:8b', day: '2026-11-22', input: 3000, output: 1000, upstream: 'ollama' })
  await seedBatch('batch_old', { connectionId: 'conn_openai', model: 'gpt-4o', day: '2026-10-01', input: 1_000_000, output: 0 })
})

describe('GET /api/usage', () => {
  it('totals cost at batch price, the saving, and flags what has no price', async () => {
    const report = await usage('?from=2026-11-20&to=2026-11-23')
    expect(report.totals).toMatchObject({
      batches: 4,
      totalTokens: 1_500_000 + 1000 + 2000 + 4000,
      cost: expect.closeTo(0.2175, 10),
      standardCost: expect.closeTo(0.435, 10),
      simulatedTokens: 1000,
      unpricedTokens: 6000,
      unpricedModels: ['llama3.1:8b', 'mystery-model'],
    })
  })

  it('answers one entry per day of the range, zeros included, and groups per model and connection', async () => {
    const report = await usage('?from=2026-11-20&to=2026-11-23')
    expect(report.days.map((day) => [day.day, day.batches])).toEqual([
      ['2026-11-20', 1],
      ['2026-11-21', 2],
      ['2026-11-22', 1],
      ['2026-11-23', 0],
    ])
    expect(report.models[0]).toMatchObject({ key: 'gpt-4o-mini-2024-07-18', cost: expect.closeTo(0.2175, 10), batches: 1 })
    expect(report.models.find((group) => group.key === 'gpt-4o-mini')).toMatchObject({ cost: 0, simulatedTokens: 1000 })
    expect(report.connections.map((group) => [group.label, group.batches])).toEqual([
      ['OpenAI', 2],
      ['Built-in engine', 2],
    ])
  })

  it('counts everything without a range', async () => {
    const report = await usage('')
    expect(report.totals.batches).toBe(5)
    // gpt-4o batch input: half of $2.50 per 1M
    expect(report.totals.cost).toBeCloseTo(0.2175 + 1.25, 10)
  })

  it('tells an empty range from an install without batches', async () => {
    const report = await usage('?from=2020-01-01&to=2020-01-31')
    expect(report).toMatchObject({ anyBatches: true, totals: { batches: 0, cost: 0 }, models: [], connections: [] })
    expect(report.days).toHaveLength(31)
  })

  it('refuses a range that ends before it starts, or a date it cannot read', async () => {
    expect(await callRoute(getUsage, '/api/usage?from=2026-11-23&to=2026-11-20')).toMatchObject({ status: 400, body: { error: { param: 'from' } } })
    expect(await callRoute(getUsage, '/api/usage?from=20-11-2026')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', param: 'from' } } })
  })
})

describe('prices in Settings', () => {
  it('an edited price changes the cost shown everywhere, and Reset brings the shipped one back', async () => {
    const saved = await savePrice({
      model: 'gpt-4o-mini',
      input: 1,
      cachedInput: null,
      output: 0.6,
      batchInput: null,
      batchCachedInput: null,
      batchOutput: null,
    })
    expect(saved).toMatchObject({ ok: true, data: { model: 'gpt-4o-mini', source: 'edited' } })
    // batch: 1M input (cached billed as input now) at $0.50 + 500k output at $0.30
    expect((await usage('?from=2026-11-20&to=2026-11-20')).totals.cost).toBeCloseTo(0.65, 10)
    const detail = (await callRoute(getBatch, '/api/batches/batch_mini', { batchId: 'batch_mini' })).body as BatchDetail
    expect(detail.cost).toMatchObject({ status: 'priced', basis: 'batch', cost: expect.closeTo(0.65, 10), priceModel: 'gpt-4o-mini' })

    expect(await resetPrices({ model: 'gpt-4o-mini' })).toEqual({ ok: true, data: { reset: 1 } })
    expect((await usage('?from=2026-11-20&to=2026-11-20')).totals.cost).toBeCloseTo(0.2175, 10)
  })

  it('adding a price for a local model costs its batches; adding one twice is refused', async () => {
    const price = { model: 'llama*', isNew: true, input: 0, cachedInput: null, output: 0, batchInput: null, batchCachedInput: null, batchOutput: null }
    expect(await savePrice(price)).toMatchObject({ ok: true, data: { source: 'added' } })
    expect(await savePrice(price)).toEqual({
      ok: false,
      error: { code: 'price_exists', message: 'llama* already has a price. Edit its row instead.', param: 'model' },
    })
    const list = (await callRoute(getBatches, '/api/batches?limit=10')).body as BatchListPage
    expect(list.data.find((batch) => batch.id === 'batch_local')?.cost).toMatchObject({ status: 'priced', basis: 'standard', cost: 0 })
    expect(list.data.find((batch) => batch.id === 'batch_sim')?.cost).toEqual({ status: 'simulated' })
    expect(list.data.find((batch) => batch.id === 'batch_mystery')?.cost).toEqual({ status: 'no_price', model: 'mystery-model' })
    expect((await usage('?from=2026-11-22&to=2026-11-22')).totals.unpricedTokens).toBe(0)
    await resetPrices({})
  })

  it('an edited Claude price keeps its cache-write rate, in the ratio to input it was shipped with', async () => {
    const shipped = ((await callRoute(getPrices, '/api/prices')).body as PriceTable).rows.find((row) => row.model === 'claude-sonnet-4-6')
    expect(shipped).toMatchObject({ input: 3, cacheWrite: 3.75 })
    const edited = { model: 'claude-sonnet-4-6', input: 6, cachedInput: null, output: 30, batchInput: null, batchCachedInput: null, batchOutput: null }
    expect(await savePrice(edited)).toMatchObject({ ok: true, data: { source: 'edited', input: 6, cacheWrite: 7.5 } })
    const table = (await callRoute(getPrices, '/api/prices')).body as PriceTable
    expect(table.rows.find((row) => row.model === 'claude-sonnet-4-6')).toMatchObject({ input: 6, cacheWrite: 7.5, source: 'edited' })
    await resetPrices({})
  })

  it('deleting a shipped price hides it until reset, and a bad price is refused by field', async () => {
    expect(await deletePrice({ model: 'gpt-4o' })).toEqual({ ok: true, data: { model: 'gpt-4o' } })
    let table = (await callRoute(getPrices, '/api/prices')).body as PriceTable
    expect(table.hidden).toEqual(['gpt-4o'])
    expect(table.rows.some((row) => row.model === 'gpt-4o')).toBe(false)
    expect((await callRoute(getBatch, '/api/batches/batch_old', { batchId: 'batch_old' })).body).toMatchObject({
      cost: { status: 'no_price', model: 'gpt-4o' },
    })

    const negative = await savePrice({
      model: 'gpt-4o',
      input: -1,
      cachedInput: null,
      output: null,
      batchInput: null,
      batchCachedInput: null,
      batchOutput: null,
    })
    expect(negative).toMatchObject({ ok: false, error: { param: 'input', message: expect.stringContaining('cannot be negative') } })

    await resetPrices({})
    table = (await callRoute(getPrices, '/api/prices')).body as PriceTable
    expect(table.hidden).toEqual([])
    expect(table.rows.find((row) => row.model === 'gpt-4o')).toMatchObject({ input: 2.5, source: 'shipped' })
  })
})

describe('usage from output lines', () => {
  it('sums the output file when the provider reported no usage, once', async () => {
    await mkdir(storageDirs.files, { recursive: true })
    const outputPath = path.join(storageDirs.files, 'file-out-usage.jsonl')
    const line = (body: object) => JSON.stringify({ id: 'r', custom_id: 'c', response: { status_code: 200, request_id: 'q', body }, error: null })
    await writeFile(
      outputPath,
      [
        line({
          usage: {
            prompt_tokens: 100,
            completion_tokens: 50,
            total_tokens: 150,
            prompt_tokens_details: { cached_tokens: 20 },
            completion_tokens_details: { reasoning_tokens: 10 },
          },
        }),
        line({ usage: { input_tokens: 30, output_tokens: 5, total_tokens: 35 } }),
        '',
      ].join('\n'),
    )
    await db.file.create({ data: { id: 'file-out-usage', filename: 'out.jsonl', purpose: 'batch_output', bytes: 1n, storagePath: toStoragePath(outputPath) } })
    await db.batch.create({
      data: {
        id: 'batch_nousage',
        connectionId: 'conn_openai',
        endpoint: '/v1/chat/completions',
        model: 'gpt-4o-mini',
        status: 'completed',
        outputFileId: 'file-out-usage',
        completedAt: at('2026-09-01'),
      },
    })
    const detail = (await callRoute(getBatch, '/api/batches/batch_nousage', { batchId: 'batch_nousage' })).body as BatchDetail
    expect(detail.usage).toEqual({ inputTokens: 130, cachedTokens: 20, outputTokens: 55, reasoningTokens: 10, totalTokens: 185 })
    expect(detail.cost).toMatchObject({ status: 'priced' })
    expect(await db.batch.findUniqueOrThrow({ where: { id: 'batch_nousage' }, select: { usageTotalTokens: true } })).toEqual({ usageTotalTokens: 185n })
  })
})

describe('cache writes on Usage', () => {
  beforeAll(async () => {
    await db.connection.create({ data: { id: 'conn_anthropic', kind: 'anthropic', name: 'Anthropic', baseUrl: null } })
    await db.batch.create({
      data: {
        id: 'batch_cache_writes',
        connectionId: 'conn_anthropic',
        endpoint: '/v1/chat/completions',
        model: 'claude-sonnet-4-5-20250929',
        status: 'completed',
        createdAt: at('2026-08-03'),
        completedAt: at('2026-08-03'),
        usageInputTokens: 1_000_000,
        usageCachedTokens: 100_000,
        usageCacheWriteTokens: 400_000,
        usageOutputTokens: 0,
        usageReasoningTokens: 0,
        usageTotalTokens: 1_000_000,
      },
    })
  })

  it('sums the cache-write tokens and costs them at the cache-write rate', async () => {
    const report = await usage('?from=2026-08-01&to=2026-08-05')
    // Batch prices of claude-sonnet-4-5 per 1M: input $1.50, cache hits $0.15, cache writes $1.875 (half of each).
    expect(report.totals).toMatchObject({
      batches: 1,
      inputTokens: 1_000_000,
      cachedTokens: 100_000,
      cacheWriteTokens: 400_000,
      cacheWriteCost: expect.closeTo(0.75, 10),
      cost: expect.closeTo(0.75 + 0.015 + 0.75, 10),
    })
    const detail = (await callRoute(getBatch, '/api/batches/batch_cache_writes', { batchId: 'batch_cache_writes' })).body as BatchDetail
    expect(detail.cost).toMatchObject({ status: 'priced', cost: expect.closeTo(report.totals.cost, 10), cacheWriteCost: expect.closeTo(0.75, 10) })
  })
})
