// Child process of bench/sync.bench.ts (run with --conditions=react-server, DATA_DIR set): remote batches on an
// `openai` connection pointed at this app's own /v1 through a counting proxy, 50 pollers on the status route, and the
// sync loop at a fixed 1 s interval. Prints one JSON line: provider calls per batch per interval, and poll requests.
import { NextRequest } from 'next/server'
import { loadEnv } from '@/lib/config/env'
import { migrateDatabase } from '@/lib/cli/migrate'

const BATCHES = 5
const POLLERS = 50
const WINDOW_MS = 10_000
const INTERVAL_MS = 1000

async function main() {
  migrateDatabase(loadEnv({ DATA_DIR: process.env.DATA_DIR }))
  const { startV1Server } = await import('@/tests/support/v1-server')
  const { startFaultProxy } = await import('@/tests/support/fault-proxy')
  const { createApiKey } = await import('@/lib/server/api-keys')
  const { saveAppConnection } = await import('@/lib/server/connections')
  const { startSync } = await import('@/lib/server/connections/sync')
  const { createBatch } = await import('@/lib/server/batches')
  const { saveUpstream, startScheduler, startSimulator } = await import('@/lib/server/engine')
  const { ingestFile } = await import('@/lib/server/files/ingest')
  const { GET } = await import('@/app/api/batches/[batchId]/route')
  const { writeFileSync } = await import('node:fs')
  const path = await import('node:path')

  const v1 = await startV1Server()
  const proxy = await startFaultProxy(v1.baseURL)
  const scheduler = startScheduler({ pollMs: 100 })
  // Slow enough that every batch is still running when the window ends.
  const slow = await startSimulator({ latencyMs: 200 })
  await saveUpstream({ name: 'slow', baseUrl: slow.url, models: ['slow-*'], maxConcurrency: 1 })
  const { key } = await createApiKey({ name: 'bench' })
  const connection = await saveAppConnection({ name: 'bench', baseUrl: proxy.baseURL, apiKey: key })

  const ids: string[] = []
  for (let i = 0; i < BATCHES; i++) {
    const temp = path.join(process.env.DATA_DIR!, `in-${i}.jsonl`)
    const lines = Array.from({ length: 400 }, (_, n) =>
      JSON.stringify({
        custom_id: `r${n}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'slow-chat', messages: [{ role: 'user', content: `b${i} ${n}` }] },
      }),
    )
    writeFileSync(temp, `${lines.join('\n')}\n`)
    const { file } = await ingestFile(temp, { filename: `in-${i}.jsonl`, rejectInvalid: true, reuseDuplicate: false })
    ids.push((await createBatch({ fileId: file.id, connectionId: connection.id, completionWindow: '24h', description: '', metadata: [] })).id)
  }

  const sync = startSync({ pollMs: 100, minMs: INTERVAL_MS, maxMs: INTERVAL_MS })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  proxy.reset()
  let polls = 0
  const deadline = Date.now() + WINDOW_MS
  await Promise.all(
    Array.from({ length: POLLERS }, async (_, p) => {
      while (Date.now() < deadline) {
        const batchId = ids[(p + polls) % ids.length]!
        const response = await GET(new NextRequest(new URL(`/api/batches/${batchId}`, 'http://127.0.0.1')), { params: Promise.resolve({ batchId }) })
        if (response.status !== 200) throw new Error(`poll answered ${response.status}`)
        await response.arrayBuffer()
        polls++
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }),
  )
  const retrieves = proxy.count('GET', /^\/v1\/batches\/[^/]+$/)
  const { db } = await import('@/lib/server/db')
  const stillRunning = await db.batch.count({ where: { id: { in: ids }, status: { in: ['validating', 'in_progress'] } } })
  await sync.stop()
  await scheduler.stop()
  await slow.close()
  await proxy.close()
  await v1.close()
  const intervals = WINDOW_MS / INTERVAL_MS
  console.log(
    JSON.stringify({
      batches: BATCHES,
      pollers: POLLERS,
      polls,
      retrieves,
      perBatchPerInterval: retrieves / BATCHES / intervals,
      stillRunning,
      windowMs: WINDOW_MS,
      intervalMs: INTERVAL_MS,
    }),
  )
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
