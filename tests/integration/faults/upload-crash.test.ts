import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // The engine is not under test here; the rest of the server's start-up work is.
  process.env.BATCHBOARD_ENGINE = 'off'
})

const { completeFileUpload } = await import('@/lib/actions/files')
const { startBackgroundWork } = await import('@/lib/server/background')
const { db } = await import('@/lib/server/db')
const { storageDirs } = await import('@/lib/server/storage')
const { waitFor } = await import('@/tests/support/engine')

describe('a server killed with SIGKILL during an upload', () => {
  it('leaves no File row, and its temp data is swept when the server starts again', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/support/upload-child.ts'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const uploadId = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /upload (upl_\w+)/.exec(chunk.toString())
        if (match) resolve(match[1]!)
      })
      child.once('exit', (code) => reject(new Error(`the upload process exited with ${code} before it was uploading`)))
    })
    const temp = path.join(storageDirs.uploads, uploadId)
    expect(statSync(path.join(temp, 'data')).size).toBeGreaterThan(0)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    expect(await db.file.count()).toBe(0)
    expect(existsSync(temp)).toBe(true)

    // What instrumentation.ts runs when the server starts.
    startBackgroundWork()
    await waitFor(
      async () => (existsSync(storageDirs.uploads) ? readdirSync(storageDirs.uploads) : []),
      (entries) => entries.length === 0,
    )
    // The browser's next step hears that the upload is gone and must start again; still no File row.
    expect(await completeFileUpload({ uploadId })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'upload_not_found', message: expect.stringContaining('Start the upload again') }),
    })
    expect(await db.file.count()).toBe(0)
  })
})
