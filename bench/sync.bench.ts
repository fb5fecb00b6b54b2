// Issue 11 row: however many browser tabs poll a remote batch, Batchboard asks the provider at most once per batch per
// sync interval. 50 pollers hit GET /api/batches/{id} for 10 s while 5 batches run on an `openai` connection (this
// app's /v1 behind a counting proxy); the proxy counts batches.retrieve calls.
import { runServerScript } from './support/child'
import type { Bench, BenchRow } from './types'

type Result = {
  batches: number
  pollers: number
  polls: number
  retrieves: number
  perBatchPerInterval: number
  stillRunning: number
  windowMs: number
  intervalMs: number
}

export default {
  name: 'sync',
  async run() {
    const r = runServerScript<Result>({ file: 'bench/support/sync-run.ts' }, 'sync')
    const rows: BenchRow[] = [
      {
        name: `provider calls per active batch per sync interval under ${r.pollers} pollers`,
        figure: `${r.perBatchPerInterval.toFixed(2)} (${r.retrieves} retrieves for ${r.batches} batches over ${r.windowMs / 1000} s at ${r.intervalMs / 1000} s)`,
        comparison: `${r.polls.toLocaleString('en-US')} status polls served from the database (${r.stillRunning}/${r.batches} batches still running at the end)`,
        target: '≤ 1',
        met: r.perBatchPerInterval <= 1 && r.stillRunning === r.batches,
      },
    ]
    return rows
  },
} satisfies Bench
