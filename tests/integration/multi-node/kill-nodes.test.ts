import type { ChildProcess } from 'node:child_process'
import { createReadStream, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { db, dbKind } from '@/lib/server/db'
import type { BatchListPage } from '@/lib/types'
import { chatFile } from '@/tests/support/batch-files'
import { parseResultLines } from '@/tests/support/engine'
import { exited, startAppServer, startWorker } from '@/tests/support/worker'

const BATCHES = 8
const LINES = 5_000
const API_KEY = 'multi-node-test-key-0123456789'
// The built-in simulator answers in 100 ms, as issue 17 sets it; 256 answers in flight per process (64 by default),
// so the run is bound by CPU rather than by waiting.
const NODE_ENV = { BATCHBOARD_SIMULATOR_LATENCY_MS: '100', BATCHBOARD_SIMULATOR_CONCURRENCY: '256', BATCHBOARD_API_KEY: API_KEY, LOG_LEVEL: 'warn' }

const children: ChildProcess[] = []
/** Each process, once started, is killed after the test whatever happens to the others. */
const tracked = async <T extends ChildProcess>(starting: Promise<T>): Promise<T> => {
  const child = await starting
  children.push(child)
  return child
}

// After each test, not all: a retried test (vitest.config.mts) must not meet the processes of its first try.
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await Promise.all(children.splice(0).map(exited))
})

const sdk = (origin: string) => new OpenAI({ baseURL: `${origin}/v1`, apiKey: API_KEY, maxRetries: 0 })

// Several servers on one SQLite file is not a layout Batchboard supports (SQLite is the one-machine default), so this
// runs in `npm test`'s PostgreSQL pass only.
describe.skipIf(dbKind !== 'postgresql')('servers and workers on one PostgreSQL (skipped on SQLite: several servers need PostgreSQL)', () => {
  it(
    `kill -9 of a worker and a server mid-run: ${BATCHES} batches of ${LINES} lines all complete, each custom_id exactly once`,
    { timeout: 600_000 },
    async () => {
      // Three servers, so two remain to compare after one is killed. The one to be killed runs the engine too (the
      // default); the others leave builtin batches to the two workers (BATCHBOARD_ENGINE=off), so both the killed server
      // and the killed worker hold leases when they die.
      const noEngine = { ...NODE_ENV, BATCHBOARD_ENGINE: 'off' }
      // Each worker runs at most 3 batches at once, so the two cannot take all 8 before the server's engine thread
      // starts (the workers hear of a new batch at once; the server's thread starts with the first create and takes about
      // 5 s to load): the server runs the 2 left, begun while the workers' first batches are about half answered.
      const worker = { ...NODE_ENV, BATCHBOARD_ENGINE_MAX_BATCHES: '3' }
      const testStarted = Date.now()
      const [servers, workers] = await Promise.all([
        Promise.all([startAppServer(NODE_ENV), startAppServer(noEngine), startAppServer(noEngine)].map(tracked)),
        Promise.all([startWorker(worker), startWorker(worker)].map(tracked)),
      ])
      const [victimServer, survivor, other] = [servers[0]!, servers[1]!, servers[2]!]

      // Uploaded and created through the killed server's and a survivor's /v1 API with the official SDK, half each, at once.
      const created = Date.now()
      const ids = await Promise.all(
        Array.from({ length: BATCHES }, async (_, i) => {
          const client = sdk(servers[i % 2]!.origin)
          const input = path.join(os.tmpdir(), `multi-node-${process.pid}-${i}.jsonl`)
          writeFileSync(input, chatFile(LINES, { model: 'sim-chat' }))
          const file = await client.files.create({ file: createReadStream(input), purpose: 'batch' })
          return (await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id
        }),
      )
      const uploadMs = Date.now() - created

      const answered = async (client: OpenAI) => {
        const batches = await Promise.all(ids.map((id) => client.batches.retrieve(id)))
        return batches.reduce((sum, batch) => sum + (batch.request_counts?.completed ?? 0) + (batch.request_counts?.failed ?? 0), 0)
      }
      // Killed mid-run: once the server to be killed and a worker each hold a batch they have begun to answer (a lease
      // owner is "<host>:<pid>:<random>"; a run's output grows as its lines commit). Waiting for a share of all lines
      // instead could kill the server before its thread had claimed anything (CI saw that once).
      const started = Date.now()
      const startedRuns = (child: ChildProcess) =>
        db.engineRun.count({ where: { batchId: { in: ids }, leaseOwner: { startsWith: `${os.hostname()}:${child.pid}:` }, outputBytes: { gt: 0 } } })
      let byServer = 0
      let byWorkers = [0, 0]
      while (byServer === 0 || Math.max(...byWorkers) === 0) {
        expect(Date.now() - started, 'the server and a worker each answering a batch within 5 minutes').toBeLessThan(300_000)
        await new Promise((resolve) => setTimeout(resolve, 100))
        ;[byServer, byWorkers] = await Promise.all([startedRuns(victimServer), Promise.all(workers.map(startedRuns))])
      }
      const victimWorker = workers[byWorkers.indexOf(Math.max(...byWorkers))]!
      victimWorker.kill('SIGKILL')
      victimServer.kill('SIGKILL')
      await Promise.all([exited(victimWorker), exited(victimServer)])
      const atKill = await answered(sdk(survivor.origin))
      expect(atKill).toBeLessThan(BATCHES * LINES)

      const client = sdk(survivor.origin)
      for (;;) {
        const batches = await Promise.all(ids.map((id) => client.batches.retrieve(id)))
        if (batches.every((batch) => batch.status === 'completed')) break
        expect(batches.map((batch) => batch.status).filter((status) => !['validating', 'in_progress', 'finalizing', 'completed'].includes(status))).toEqual([])
        expect(Date.now() - started, 'every batch completed within 8 minutes').toBeLessThan(480_000)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      const tookMs = Date.now() - started
      console.log(
        `multi-node kill test: 5 processes up in ${((created - testStarted) / 1000).toFixed(1)} s, uploads and creates ${(uploadMs / 1000).toFixed(1)} s, then ${BATCHES} × ${LINES} lines answered in ${(tookMs / 1000).toFixed(1)} s (kill at ${atKill} lines)`,
      )

      const expected = Array.from({ length: LINES }, (_, index) => `request-${index + 1}`).sort()
      for (const id of ids) {
        const batch = await client.batches.retrieve(id)
        expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 })
        expect(batch.error_file_id ?? null).toBeNull()
        const output = parseResultLines(await (await client.files.content(batch.output_file_id!)).text())
        const customIds = output.map((line) => line.custom_id)
        expect(customIds).toHaveLength(LINES)
        expect(new Set(customIds).size).toBe(LINES)
        expect([...customIds].sort()).toEqual(expected)
        expect(output.every((line) => line.response?.status_code === 200)).toBe(true)
      }

      // Both remaining servers answer the same list and statuses.
      const lists = await Promise.all(
        [survivor, other].map(async (server) => ((await (await fetch(`${server.origin}/api/batches?limit=100`)).json()) as BatchListPage).data),
      )
      const summary = (page: BatchListPage['data']) => page.map((row) => `${row.id}:${row.status}`).sort()
      expect(summary(lists[0]!)).toEqual(summary(lists[1]!))
      expect(summary(lists[0]!)).toEqual(ids.map((id) => `${id}:completed`).sort())
    },
  )
})
