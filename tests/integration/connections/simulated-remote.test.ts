import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatch } from '@/lib/actions/batches'
import { saveConnection } from '@/lib/actions/connections'
import { createApiKey } from '@/lib/server/api-keys'
import { getBatch, listBatches } from '@/lib/server/batches'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { saveUpstream, startScheduler, type Scheduler } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { getUsageReport } from '@/lib/server/usage'
import { batchListQuery } from '@/lib/validations/batches'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'
import { startV1Server } from '@/tests/support/v1-server'

// The "other Batchboard" is this app's own /v1: its engine answers sim-chat with the simulator, and gpt-4o-mini with
// `real`, an OpenAI-compatible stub whose answers carry no simulator mark (as a real model's would not).
let v1: Awaited<ReturnType<typeof startV1Server>>
let real: http.Server
let scheduler: Scheduler
let sync: ReturnType<typeof startSync>
let connectionId: string

beforeAll(async () => {
  v1 = await startV1Server()
  real = http.createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${randomBytes(6).toString('hex')}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Four.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
        }),
      )
    })
  })
  await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve))
  await saveUpstream({ name: 'real', baseUrl: `http://127.0.0.1:${(real.address() as AddressInfo).port}/v1`, models: ['gpt-4o-mini'], maxConcurrency: 4 })
  scheduler = startScheduler(FAST_ENGINE)
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  const { key } = await createApiKey({ name: 'remote connection' })
  const saved = await saveConnection({ name: 'Other Batchboard', baseUrl: v1.baseURL, apiKey: key })
  if (!saved.ok) throw new Error(saved.error.message)
  connectionId = saved.data.id
})

afterAll(async () => {
  await sync.stop()
  await scheduler.stop()
  await new Promise((resolve) => real.close(resolve))
  await v1.close()
})

/** Runs `lines` requests to `model` on the connection until its results are copied here and indexed. */
async function runRemote(model: string) {
  const temp = path.join(os.tmpdir(), `simulated-${randomBytes(6).toString('hex')}.jsonl`)
  writeFileSync(temp, chatFile(3, { model, content: `unique ${Math.random()}` }))
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const created = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
  if (!created.ok) expect.fail(`create failed: ${created.error.message}`)
  const id = created.data.id
  await waitFor(
    () => db.resultIndex.findUnique({ where: { batchId: id } }),
    (index) => index?.state === 'ready',
  )
  return id
}

describe('a remote batch answered by the other Batchboard’s simulator', () => {
  it('is recognised from its output lines and shown as simulated and free on the batch page, the list and Usage', async () => {
    const simulatedId = await runRemote('sim-chat')
    const pricedId = await runRemote('gpt-4o-mini')

    const simulated = await getBatch(simulatedId)
    expect(simulated).toMatchObject({ connectionKind: 'openai', model: 'sim-chat', status: 'completed', simulated: true, cost: { status: 'simulated' } })
    // The contrast: a model's real answers through the same connection are costed at the batch price.
    const priced = await getBatch(pricedId)
    expect(priced).toMatchObject({ model: 'gpt-4o-mini', simulated: false, cost: { status: 'priced', basis: 'batch' } })

    const list = await listBatches(batchListQuery.parse({ connectionId }))
    const listed = new Map(list.data.map((batch) => [batch.id, batch]))
    expect(listed.get(simulatedId)).toMatchObject({ simulated: true, cost: { status: 'simulated' } })
    expect(listed.get(pricedId)).toMatchObject({ simulated: false, cost: { status: 'priced' } })

    // This database is also the provider's, so its builtin batches are in the report too: look at the connection.
    const usage = await getUsageReport({})
    const tokens = async (id: string) => Number((await db.batch.findUniqueOrThrow({ where: { id } })).usageTotalTokens)
    const viaConnection = usage.connections.find((group) => group.key === connectionId)
    expect(viaConnection).toMatchObject({ batches: 2, unpricedTokens: 0, simulatedTokens: await tokens(simulatedId) })
    expect(viaConnection!.simulatedTokens).toBeGreaterThan(0)
    expect(viaConnection!.cost).toBeGreaterThan(0)
    expect(usage.totals.unpricedModels).not.toContain('sim-chat')
  })
})
