import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dbKind } from '@/lib/server/db'
import { createEngineBatch } from '@/lib/server/engine'
import { startEngineThread, type EngineThread } from '@/lib/server/engine/thread'
import { ingestFile } from '@/lib/server/files/ingest'
import { runInWorker } from '@/lib/server/workers/pool'
import { chatFile } from '@/tests/support/batch-files'
import { waitFor } from '@/tests/support/engine'

// Decision 065: the worker pool's and the engine's threads run at nice 10, so the thread that answers requests wins
// the cores when they are short. Linux keeps a nice value per thread: field 19 of /proc/<pid>/task/<tid>/stat.

/** A thread's nice value from its stat file (fields counted after the command name, which may hold spaces). */
const niceOf = (statPath: string) => Number(readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ')[16])

/** Each thread of this process, by thread id, with its nice value. */
function threadNiceValues(): Map<string, number> {
  const tasks = `/proc/${process.pid}/task`
  return new Map(readdirSync(tasks).map((tid) => [tid, niceOf(`${tasks}/${tid}/stat`)]))
}

const ownNice = () => niceOf('/proc/thread-self/stat')

/** The nice values of the threads that exist now and did not before. */
const newThreadNiceValues = (before: Map<string, number>) => [...threadNiceValues()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice)

function writeChatFile(lines: number): string {
  const temp = path.join(os.tmpdir(), `thread-priority-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model: 'sim-chat' }))
  return temp
}

let host: EngineThread | null = null

afterEach(async () => {
  await host?.stop()
  host = null
})

describe.runIf(process.platform === 'linux')(`background threads (${dbKind})`, () => {
  it('run the worker pool at a lower CPU priority than the thread that asked', { timeout: 60_000 }, async () => {
    const before = threadNiceValues()
    const { report } = await runInWorker({ kind: 'inspect', path: writeChatFile(20) })
    expect(report.ok).toBe(true)
    expect(newThreadNiceValues(before)).toContain(10)
    expect(ownNice()).toBe(0)
  })

  it('run the engine thread at a lower CPU priority than the thread that started it', { timeout: 120_000 }, async () => {
    const { file } = await ingestFile(writeChatFile(5), { filename: 'priority.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const before = threadNiceValues()
    host = startEngineThread({ pollMs: 200, idleMs: 60_000 })
    await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
    const niceValues = await waitFor(
      async () => newThreadNiceValues(before),
      (values) => values.includes(10),
      60_000,
      100,
    )
    expect(niceValues).toContain(10)
    expect(ownNice()).toBe(0)
  })
})
