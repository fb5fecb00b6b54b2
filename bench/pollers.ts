// `npx tsx bench/pollers.ts <base url> <data dir> [seconds] [server pid]`: what a status read costs on an idle server, measured from
// outside over HTTP as issue 18 asks (50 tabs, each polling one batch about once a second at random moments, every fifth
// read the list). Run it against a server you started yourself (`npm start` with DATA_DIR=<data dir>, auth on), e.g.
// one with `--cpu-prof` to see where a read's time goes. It writes a live session and a few finished batches straight
// into that SQLite database, so nothing but the reads runs on the server. The soak (bench/soak.ts) reads the same way at
// idle first; this is that part alone, quick to repeat while changing the read path. Compare figures within one sitting.
// Given the server's pid (the `next-server` process), it also prints the CPU time the server spent per read: unlike
// latency, that figure hardly moves when other work shares the machine.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'

const [baseUrl, dataDir, secondsArg, pidArg] = process.argv.slice(2)
if (!baseUrl || !dataDir) {
  console.error('usage: npx tsx bench/pollers.ts <base url> <data dir> [seconds]')
  process.exit(2)
}
const SECONDS = Number(secondsArg ?? 30)
const POLLERS = 50
const POLL_EVERY_MS = 1_000
const BATCHES = 5

/** DateTime columns hold ISO 8601 text on SQLite (the driver adapter's default). */
const iso = (ms: number) => new Date(ms).toISOString()

/** A session row as login makes one (the database keeps the token's sha256) and finished builtin batches to poll. */
function seed(): { cookie: string; batchIds: string[] } {
  const database = new Database(path.join(dataDir!, 'batchboard.db'))
  try {
    const token = randomBytes(32).toString('base64url')
    const id = createHash('sha256').update(token).digest('hex')
    database.prepare('INSERT INTO "Session" ("id", "expiresAt", "createdAt") VALUES (?, ?, ?)').run(id, iso(Date.now() + 86_400_000), iso(Date.now()))
    const batchIds = Array.from({ length: BATCHES }, (_, index) => `batch_pollers${Date.now().toString(36)}${index}`)
    const insert = database.prepare(
      `INSERT INTO "Batch" ("id", "connectionId", "endpoint", "model", "status", "requestCountTotal", "requestCountCompleted", "usageInputTokens",
        "usageOutputTokens", "usageTotalTokens", "createdAt", "inProgressAt", "completedAt", "recordedAt", "updatedAt")
       VALUES (?, 'builtin', '/v1/chat/completions', 'gpt-4o-mini', 'completed', 3, 3, 30, 60, 90, ?, ?, ?, ?, ?)`,
    )
    const now = Date.now()
    for (const batchId of batchIds) insert.run(batchId, iso(now - 60_000), iso(now - 50_000), iso(now - 40_000), iso(now), iso(now))
    return { cookie: `batchboard_session=${token}`, batchIds }
  } finally {
    database.close()
  }
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

async function main() {
  const { cookie, batchIds } = seed()
  const latencies = new Map<string, number[]>()
  const errors: string[] = []
  const get = async (route: string, url: string) => {
    const started = performance.now()
    try {
      const response = await fetch(`${baseUrl}${url}`, { headers: { cookie, accept: 'application/json' } })
      await response.arrayBuffer()
      const list = latencies.get(route) ?? []
      list.push(performance.now() - started)
      latencies.set(route, list)
      if (!response.ok) errors.push(`${url}: ${response.status}`)
    } catch (error) {
      errors.push(`${url}: ${String(error)}`)
    }
  }
  // Warm: the first read of each route loads its code.
  await get('warm', '/api/batches?limit=50')
  await get('warm', `/api/batches/${batchIds[0]}`)
  latencies.clear()
  const pid = pidArg ? Number(pidArg) : null
  const cpuAtStart = pid === null ? 0 : cpuMs(pid)
  const end = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: POLLERS }, async (_, index) => {
      await sleep(Math.random() * POLL_EVERY_MS)
      for (let round = 0; Date.now() < end; round++) {
        if (round % 5 === 4) await get('GET /api/batches', '/api/batches?limit=50')
        else await get('GET /api/batches/{id}', `/api/batches/${batchIds[(index + round) % batchIds.length]}`)
        await sleep(POLL_EVERY_MS * (0.5 + Math.random()))
      }
    }),
  )
  const cpu = pid === null ? null : cpuMs(pid) - cpuAtStart
  const all = [...latencies.values()].flat()
  for (const [route, list] of [...latencies, ['all', all] as const]) {
    const sorted = [...list].sort((a, b) => a - b)
    const figure = (p: number) => percentile(sorted, p).toFixed(1)
    console.log(`${route}: ${sorted.length} reads, p50 ${figure(50)} ms, p95 ${figure(95)} ms, p99 ${figure(99)} ms`)
  }
  if (cpu !== null) console.log(`server CPU: ${cpu} ms for ${all.length} reads, ${(cpu / all.length).toFixed(2)} ms a read`)
  if (errors.length > 0) console.log(`${errors.length} errors, first: ${errors[0]}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
