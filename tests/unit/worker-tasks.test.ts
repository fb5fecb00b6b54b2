import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { runTask } from '@/lib/workers/tasks'

const dir = mkdtempSync(path.join(os.tmpdir(), 'worker-tasks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('hashes a file of several read chunks as one sha256 of its bytes', async () => {
  // 2.5 MiB: the task reads 1 MiB at a time, so the hash must carry across chunks.
  const bytes = Buffer.alloc(2.5 * 2 ** 20)
  for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 31 + (index >> 12)) % 251
  const file = path.join(dir, 'part.jsonl')
  writeFileSync(file, bytes)
  expect(await runTask({ kind: 'sha256', path: file })).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex') })
})

it('fails for a file that is not there, rather than hashing nothing', async () => {
  await expect(runTask({ kind: 'sha256', path: path.join(dir, 'missing.jsonl') })).rejects.toThrow(/ENOENT/)
})
