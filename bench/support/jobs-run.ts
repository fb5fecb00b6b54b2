// Child process of bench/jobs.bench.ts (run with --conditions=react-server, DATA_DIR set). Two measurements, one JSON
// line: (1) splitting a 1,000,000-line input into parts, with this process's RSS growth during the split (this
// process does the split: no server around it); (2) a job on an `openai` connection pointed at this app's /v1 (real
// HTTP to the route handlers) under BATCHBOARD_V1_LIMITS: queue utilisation while parts wait, and the idle gap between
// a part ending on the provider and the next part being created there.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadEnv } from '@/lib/config/env'
import { migrateDatabase } from '@/lib/cli/migrate'
import { trackPeakRss } from './memory'

const SPLIT_LINES = 1_000_000
const QUEUE_LINES = 600
const PER_PART = 50
// About 3.5 parts of the lines below (13 estimated tokens each); the connection knows the same limit.
const LIMIT = 2_300
const SYNC_MS = 1_000

process.env.BATCHBOARD_V1_LIMITS = JSON.stringify({ enqueuedTokens: { 'sim-*': LIMIT } })

const line = (n: number, prefix: string) =>
  JSON.stringify({
    custom_id: `${prefix}-${n}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'sim-chat', messages: [{ role: 'user', content: `question ${String(n % 10_000).padStart(4, '0')} please now` }], max_tokens: 100 },
  })

function writeInput(name: string, count: number): string {
  const file = path.join(process.env.DATA_DIR!, name)
  const chunk: string[] = []
  writeFileSync(file, '')
  for (let n = 1; n <= count; n++) {
    chunk.push(line(n, name))
    if (chunk.length === 10_000 || n === count) {
      writeFileSync(file, `${chunk.join('\n')}\n`, { flag: 'a' })
      chunk.length = 0
    }
  }
  return file
}

async function measureSplit() {
  const { ingestFile } = await import('@/lib/server/files/ingest')
  const { createJob } = await import('@/lib/server/jobs')
  const { splitJobInput } = await import('@/lib/server/jobs/parts')
  const { db } = await import('@/lib/server/db')
  // Over one batch's limit is a finding, not an error: the dashboard's upload keeps the file and a job runs it.
  const { file } = await ingestFile(writeInput('split.jsonl', SPLIT_LINES), { filename: 'split.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const { id } = await createJob({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
  const job = await db.job.findUniqueOrThrow({ where: { id } })
  global.gc?.()
  const rss = trackPeakRss('self')
  const started = performance.now()
  await splitJobInput(job)
  const seconds = (performance.now() - started) / 1000
  const growth = rss.stop()
  const parts = await db.jobPart.count({ where: { jobId: id } })
  return { lines: SPLIT_LINES, seconds, parts, rssGrowthBytes: growth }
}

async function measureQueue() {
  const { startV1Server } = await import('@/tests/support/v1-server')
  const { createApiKey } = await import('@/lib/server/api-keys')
  const { saveAppConnection } = await import('@/lib/server/connections')
  const { startSync } = await import('@/lib/server/connections/sync')
  const { saveUpstream, startScheduler, startSimulator } = await import('@/lib/server/engine')
  const { ingestFile } = await import('@/lib/server/files/ingest')
  const { createJob, startJobs } = await import('@/lib/server/jobs')
  const { enqueuedTokens } = await import('@/lib/server/jobs/submit')
  const { db } = await import('@/lib/server/db')

  const v1 = await startV1Server()
  const scheduler = startScheduler({ pollMs: 100 })
  // Every line of a part answered at once after 2 s: a part runs for about that long, however many run.
  const simulator = await startSimulator({ latencyMs: 2_000 })
  await saveUpstream({ name: 'sim', baseUrl: simulator.url, models: ['sim-*'], maxConcurrency: 500, timeoutMs: 30_000 })
  const { key } = await createApiKey({ name: 'bench' })
  const connection = await saveAppConnection({ name: 'limited', baseUrl: v1.baseURL, apiKey: key })
  await db.connection.update({ where: { id: connection.id }, data: { maxRequestsPerBatch: PER_PART, enqueuedTokenLimits: { 'sim-*': LIMIT } } })
  const sync = startSync({ pollMs: 100, minMs: SYNC_MS, maxMs: SYNC_MS })
  const jobs = startJobs({ pollMs: 200 })

  const { file } = await ingestFile(writeInput('queue.jsonl', QUEUE_LINES), { filename: 'queue.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const partTokens = (Number(file.estimatedInputTokens) / QUEUE_LINES) * PER_PART
  const { id } = await createJob({ fileId: file.id, connectionId: connection.id, completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 })
  const samples: number[] = []
  for (;;) {
    const job = await db.job.findUniqueOrThrow({ where: { id } })
    if (['completed', 'failed', 'cancelled'].includes(job.status)) break
    if ((await db.jobPart.count({ where: { jobId: id, status: 'queued' } })) > 0) samples.push((await enqueuedTokens('builtin', 'sim-chat')) / LIMIT)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  // On the provider: when each part batch ended, and when the next one was created after it.
  const provider = await db.batch.findMany({ where: { connectionId: 'builtin' }, select: { createdAt: true, completedAt: true, status: true } })
  const created = provider.map((batch) => batch.createdAt.getTime()).sort((a, b) => a - b)
  const gaps: number[] = []
  for (const batch of provider) {
    const ended = batch.completedAt?.getTime()
    const next = ended === undefined ? undefined : created.find((at) => at >= ended)
    if (ended !== undefined && next !== undefined) gaps.push(next - ended)
  }
  const refused = provider.filter((batch) => batch.status === 'failed').length
  const status = (await db.job.findUniqueOrThrow({ where: { id } })).status
  await jobs.stop()
  await sync.stop()
  await scheduler.stop()
  await simulator.close()
  await v1.close()
  return {
    status,
    partsPerLimit: LIMIT / partTokens,
    utilisation: samples.length === 0 ? 0 : samples.reduce((sum, value) => sum + value, 0) / samples.length,
    samples: samples.length,
    meanGapMs: gaps.length === 0 ? 0 : gaps.reduce((sum, value) => sum + value, 0) / gaps.length,
    maxGapMs: Math.max(0, ...gaps),
    gaps: gaps.length,
    refused,
    syncMs: SYNC_MS,
  }
}

async function main() {
  migrateDatabase(loadEnv({ DATA_DIR: process.env.DATA_DIR }))
  const split = await measureSplit()
  const queue = await measureQueue()
  console.log(JSON.stringify({ split, queue }))
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
