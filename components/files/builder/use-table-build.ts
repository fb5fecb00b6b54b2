'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { BuildConfig } from '@/lib/validations/builder'
import type { BuildMessage, BuildOutcome, BuildRequest, ExportedPart, LoadedTable } from './build-messages'

export type TableState =
  { status: 'empty' } | { status: 'reading'; file: File } | { status: 'refused'; file: File; message: string } | { status: 'loaded'; table: LoadedTable }

export type BuildState =
  { status: 'idle' } | { status: 'building'; id: number; rows: number } | { status: 'built'; outcome: BuildOutcome } | { status: 'crashed'; message: string }

// Long enough that typing a word is one build, short enough that the preview feels live.
const BUILD_DELAY_MS = 250

/**
 * Reads a table and builds the batch file from it in a Web Worker, so the page stays responsive with 50,000
 * rows: every change of the configuration starts a new build, and the worker drops the one it was doing.
 */
/** Makes every part of the current build into a file (and the table rows it came from). */
/** `whole`: one file of all the rows (a job's input) rather than one per batch-sized part. */
export type ExportParts = (options?: { whole?: boolean }) => Promise<ExportedPart[]>

export function useTableBuild(config: BuildConfig) {
  const worker = useRef<Worker | null>(null)
  const [table, setTable] = useState<TableState>({ status: 'empty' })
  const [build, setBuild] = useState<BuildState>({ status: 'idle' })
  const nextId = useRef(0)
  const pendingExport = useRef<{ id: number; resolve: (parts: ExportedPart[]) => void; reject: (error: Error) => void } | null>(null)

  const send = (request: BuildRequest) => worker.current?.postMessage(request)

  useEffect(() => {
    const run = new Worker(new URL('./build.worker.ts', import.meta.url), { type: 'module' })
    worker.current = run
    run.addEventListener('message', (event: MessageEvent<BuildMessage>) => {
      const message = event.data
      if (message.type === 'loaded') setTable({ status: 'loaded', table: message.table })
      else if (message.type === 'load-failed')
        setTable((now) => (now.status === 'reading' ? { status: 'refused', file: now.file, message: message.message } : now))
      else if (message.type === 'progress') setBuild((now) => (now.status === 'building' && now.id === message.id ? { ...now, rows: message.rows } : now))
      else if (message.type === 'built')
        setBuild((now) => (now.status === 'building' && now.id === message.outcome.id ? { status: 'built', outcome: message.outcome } : now))
      else if (message.type === 'exported') {
        if (pendingExport.current?.id === message.id) pendingExport.current.resolve(message.parts)
        pendingExport.current = null
      } else if (message.type === 'failed') {
        if (pendingExport.current?.id === message.id) {
          pendingExport.current.reject(new Error(message.message))
          pendingExport.current = null
        } else setBuild({ status: 'crashed', message: message.message })
      }
    })
    run.addEventListener('error', (event) => setBuild({ status: 'crashed', message: event.message || 'The builder stopped unexpectedly. Reload the page.' }))
    return () => {
      run.terminate()
      worker.current = null
    }
  }, [])

  const load = useCallback((file: File) => {
    setTable({ status: 'reading', file })
    setBuild({ status: 'idle' })
    worker.current?.postMessage({ type: 'load', file } satisfies BuildRequest)
  }, [])

  const clear = useCallback(() => {
    setTable({ status: 'empty' })
    setBuild({ status: 'idle' })
  }, [])

  const loaded = table.status === 'loaded' ? table.table : null
  useEffect(() => {
    if (loaded === null) return
    const id = ++nextId.current
    setBuild({ status: 'building', id, rows: 0 })
    const timer = setTimeout(() => send({ type: 'build', id, config }), BUILD_DELAY_MS)
    return () => clearTimeout(timer)
  }, [loaded, config])

  /** The built files (with their tables) as Blobs, for download or upload. */
  const exportParts = useCallback<ExportParts>(
    ({ whole = false } = {}) => {
      if (build.status !== 'built') return Promise.reject(new Error('The file is still being built.'))
      const id = build.outcome.id
      return new Promise((resolve, reject) => {
        pendingExport.current = { id, resolve, reject }
        send({ type: 'export', id, whole })
      })
    },
    [build],
  )

  return { table, build, load, clear, exportParts }
}
