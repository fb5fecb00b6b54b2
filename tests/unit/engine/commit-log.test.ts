import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CommitLog, type CommitLogFiles, type CommittedLines } from '@/lib/server/engine/commit-log'
import { emptyUsage } from '@/lib/server/engine/results'

let dir: string
let files: CommitLogFiles
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'commit-log-'))
  files = { output: path.join(dir, 'out.jsonl'), error: path.join(dir, 'err.jsonl'), timings: path.join(dir, 'timings.jsonl') }
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const usage = (total: number) => ({ ...emptyUsage(), input: total - 1, output: 1, total })
const read = (file: string) => readFileSync(file, 'utf8')

async function openLog(start: Partial<Parameters<typeof CommitLog.open>[1]> = {}, persist?: (commit: CommittedLines) => Promise<void>) {
  const commits: CommittedLines[] = []
  const errors: unknown[] = []
  const log = await CommitLog.open(
    files,
    { outputBytes: 0, errorBytes: 0, doneLines: null, totalLines: 20, ...start },
    {
      flushLines: 1_000,
      persist:
        persist ??
        (async (commit) => {
          commits.push({ ...commit, doneLines: Buffer.from(commit.doneLines) })
        }),
      onError: (error) => errors.push(error),
    },
  )
  return { log, commits, errors }
}

describe('CommitLog', () => {
  it('writes results to their files before persisting, with sizes, counts, usage and the done lines', async () => {
    const { log, commits } = await openLog()
    log.record(0, { ok: true, line: 'answer 0\n', usage: usage(10), latencyMs: 12 }, 'a')
    log.record(9, { ok: false, line: 'failure 9\n' }, 'b')
    expect(log.pendingLines).toBe(2)
    await log.flush()
    await log.close()
    expect(read(files.output)).toBe('answer 0\n')
    expect(read(files.error)).toBe('failure 9\n')
    expect(read(files.timings)).toBe('["a",12]\n')
    expect(commits).toHaveLength(1)
    expect(commits[0]).toMatchObject({ lines: 2, completed: 1, failed: 1, usage: { input: 9, output: 1, total: 10 }, outputBytes: 9, errorBytes: 10 })
    expect([...commits[0]!.doneLines]).toEqual([0b1, 0b10, 0])
    expect(log.isDone(0) && log.isDone(9)).toBe(true)
    expect(log.isDone(1)).toBe(false)
    expect(log.pendingLines).toBe(0)
  })

  it('commits on its own once flushLines are waiting', async () => {
    const commits: number[] = []
    const log = await CommitLog.open(
      files,
      { outputBytes: 0, errorBytes: 0, doneLines: null, totalLines: 8 },
      { flushLines: 3, persist: async (commit) => void commits.push(commit.lines), onError: () => {} },
    )
    log.record(0, { ok: false, line: 'a\n' })
    log.record(1, { ok: false, line: 'b\n' })
    await log.flush()
    log.record(2, { ok: false, line: 'c\n' })
    log.record(3, { ok: false, line: 'd\n' })
    log.record(4, { ok: false, line: 'e\n' })
    // No flush() here: the third line started the commit.
    for (let waited = 0; commits.length < 2 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(commits).toEqual([2, 3])
    expect(log.pendingLines).toBe(0)
    await log.close()
  })

  it('persists nothing without new lines unless forced (a lease renewal)', async () => {
    const { log, commits } = await openLog()
    await log.flush()
    expect(commits).toHaveLength(0)
    await log.flush(true)
    await log.close()
    expect(commits).toMatchObject([{ lines: 0, outputBytes: 0, errorBytes: 0 }])
  })

  it('resumes from what was committed: a crash’s half-written tail is cut off, done lines are kept', async () => {
    writeFileSync(files.output, 'answer 0\nhalf-writ')
    const { log, commits } = await openLog({ outputBytes: 9, doneLines: Uint8Array.from([0b1, 0, 0]) })
    expect(log.isDone(0)).toBe(true)
    log.record(1, { ok: true, line: 'answer 1\n', usage: usage(2) })
    await log.flush()
    await log.close()
    expect(read(files.output)).toBe('answer 0\nanswer 1\n')
    expect(commits[0]).toMatchObject({ outputBytes: 18, errorBytes: 0 })
  })

  it('refuses a file shorter than what was committed: the data dir changed underneath', async () => {
    writeFileSync(files.output, 'short\n')
    await expect(openLog({ outputBytes: 100 })).rejects.toThrow('100 were committed')
  })

  it('commits one at a time, in order; lines recorded during a commit go in the next one', async () => {
    const order: string[] = []
    let firstStarted: () => void = () => {}
    const started = new Promise<void>((resolve) => (firstStarted = resolve))
    const { log } = await openLog({}, async (commit) => {
      order.push(`start ${commit.lines}`)
      firstStarted()
      await new Promise((resolve) => setTimeout(resolve, 20))
      order.push(`end ${commit.lines}`)
    })
    log.record(0, { ok: false, line: 'x\n' })
    const first = log.flush()
    await started
    log.record(1, { ok: false, line: 'y\n' })
    log.record(2, { ok: false, line: 'z\n' })
    await Promise.all([first, log.flush()])
    await log.close()
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2'])
    expect(read(files.error)).toBe('x\ny\nz\n')
  })

  it('stops committing after a failed persist and reports the error once', async () => {
    let calls = 0
    const errors: unknown[] = []
    const log = await CommitLog.open(
      files,
      { outputBytes: 0, errorBytes: 0, doneLines: null, totalLines: 4 },
      {
        flushLines: 1_000,
        persist: async () => {
          calls++
          throw new Error('lease lost')
        },
        onError: (error) => errors.push(error),
      },
    )
    log.record(0, { ok: false, line: 'x\n' })
    await log.flush()
    log.record(1, { ok: false, line: 'y\n' })
    await log.flush(true)
    await log.close()
    expect(calls).toBe(1)
    expect(errors).toHaveLength(1)
    expect(String(log.error?.error)).toContain('lease lost')
  })
})
