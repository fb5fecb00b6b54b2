// Issue 15 rows: a job splits a 1,000,000-line file in constant memory, keeps the provider's enqueued-token queue
// full while parts wait, and sends the next part within one sync interval of one ending. See bench/support/jobs-run.ts.
import { MB } from './support/memory'
import { runServerScript } from './support/child'
import type { Bench, BenchRow } from './types'

type Result = {
  split: { lines: number; seconds: number; parts: number; rssGrowthBytes: number }
  queue: {
    status: string
    partsPerLimit: number
    utilisation: number
    samples: number
    meanGapMs: number
    maxGapMs: number
    gaps: number
    refused: number
    syncMs: number
  }
}

export default {
  name: 'jobs',
  async run() {
    const { split, queue } = runServerScript<Result>({ file: 'bench/support/jobs-run.ts' }, 'jobs')
    const rows: BenchRow[] = [
      {
        name: `split ${split.lines.toLocaleString('en-US')} lines into parts`,
        figure: `${split.seconds.toFixed(1)} s (${Math.round(split.lines / split.seconds).toLocaleString('en-US')} lines/s, ${split.parts} parts)`,
      },
      {
        name: 'RSS growth of the process doing the split (a child process, no server)',
        figure: `${(split.rssGrowthBytes / MB).toFixed(1)} MB`,
        target: '< 100 MB',
        met: split.rssGrowthBytes < 100 * MB,
      },
      {
        name: 'queue utilisation while parts wait (enqueued tokens / limit, limited /v1)',
        figure: queue.utilisation.toFixed(2),
        comparison: `${queue.samples} samples; the limit holds ${queue.partsPerLimit.toFixed(1)} parts; ${queue.refused} refusals; job ${queue.status}`,
        target: '≥ 0.8',
        met: queue.utilisation >= 0.8 && queue.status === 'completed',
      },
      {
        name: 'idle gap between a part ending and the next part created on the provider',
        figure: `mean ${queue.meanGapMs.toFixed(0)} ms, max ${queue.maxGapMs.toFixed(0)} ms (${queue.gaps} gaps)`,
        comparison: `sync interval ${queue.syncMs} ms`,
        target: '≤ one sync interval',
        met: queue.gaps > 0 && queue.meanGapMs <= queue.syncMs,
      },
    ]
    return rows
  },
} satisfies Bench
