import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // The engine is not under test here; the rest of the server's start-up work is.
  process.env.BATCHBOARD_ENGINE = 'off'
})

const { completeFileUpload } = await import('@/lib/actions/files')
const { startBackgroundWork } = await import('@/lib/server/background')
const { db, dbKind } = await import('@/lib/server/db')
const { ABANDONED_UPLOAD_MS, sweepUploads } = await import('@/lib/server/files/upload')
const { storageDirs } = await import('@/lib/server/storage')
const { waitFor } = await import('@/tests/support/engine')

describe('a server killed with SIGKILL during an upload', () => {
  it(
    'leaves no File row, and its temp data is swept: at once when the one server starts again, on PostgreSQL once abandoned',
    { timeout: 60_000 },
    async () => {
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

      if (dbKind === 'postgresql') {
        // Several servers may share DATA_DIR, and the browser's next chunk may reach any of them: a starting server
        // keeps an upload that moved lately (what it sweeps at start) and removes it once abandoned for an hour.
        expect(await sweepUploads(ABANDONED_UPLOAD_MS)).toBe(0)
        expect(existsSync(temp)).toBe(true)
        const anHourAgo = new Date(Date.now() - ABANDONED_UPLOAD_MS - 60_000)
        for (const entry of [temp, path.join(temp, 'data')]) utimesSync(entry, anHourAgo, anHourAgo)
        expect(await sweepUploads(ABANDONED_UPLOAD_MS)).toBe(1)
      } else {
        // What instrumentation.ts runs when the server starts: one server, so no upload outlives it.
        startBackgroundWork()
      }
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
    },
  )
})
