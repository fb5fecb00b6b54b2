import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { memoryEnv, MMAP_THRESHOLD_BYTES } from '@/lib/cli/memory-env'

const run = promisify(execFile)

/**
 * A load's shape in small: many 64 KiB blocks alive at once (socket reads, request body chunks) with small long-lived
 * ones allocated between them, then the large ones freed and collected. Prints the RSS growth at the peak and after.
 */
const CHURN = `
const rss = () => process.memoryUsage.rss()
const before = rss()
let large = []
const kept = []
for (let i = 0; i < 2000; i++) {
  large.push(Buffer.allocUnsafeSlow(64 * 1024).fill(1))
  kept.push(Buffer.allocUnsafeSlow(512).fill(1))
}
const peak = rss() - before
large = null
gc()
setTimeout(() => {
  gc()
  setTimeout(() => console.log(JSON.stringify({ peak, after: rss() - before, kept: kept.length })), 100)
}, 100)
`

/** The server's environment as `npm start` sets it, over this process's without any malloc settings of its own. */
function childEnv(malloc: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('MALLOC_') || name === 'NODE_OPTIONS') delete env[name]
  return { ...env, ...malloc }
}

async function churn(env: NodeJS.ProcessEnv): Promise<{ peak: number; after: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '-e', CHURN], { env })
  return JSON.parse(stdout) as { peak: number; after: number }
}

describe("npm start's malloc settings", () => {
  it('defaults to two arenas, a fixed mmap threshold and --expose-gc; an operator’s own values win', () => {
    expect(memoryEnv({})).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD_BYTES), NODE_OPTIONS: '--expose-gc' })
    expect(memoryEnv({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-old-space-size=512' })).toEqual({
      MALLOC_ARENA_MAX: '4',
      MALLOC_MMAP_THRESHOLD_: '131072',
      NODE_OPTIONS: '--expose-gc --max-old-space-size=512',
    })
  })

  it('gives freed 64 KiB blocks back to the system, which glibc’s defaults keep pinned between small ones', async () => {
    const { MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_ } = memoryEnv({})
    const tuned = await churn(childEnv({ MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_ }))
    const defaults = await churn(childEnv({ MALLOC_ARENA_MAX }))
    // 2,000 blocks of 64 KiB: about 130 MB at the peak either way.
    expect(tuned.peak).toBeGreaterThan(100e6)
    expect(defaults.peak).toBeGreaterThan(100e6)
    // Freed blocks in an arena below a live small one stay resident; mapped on their own, they are unmapped.
    expect(defaults.after).toBeGreaterThan(defaults.peak * 0.8)
    expect(tuned.after).toBeLessThan(tuned.peak / 2)
  })
})
