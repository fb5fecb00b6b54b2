'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { ValidationReport } from '@/lib/jsonl'
import type { CheckMessage, CheckRequest } from './check-messages'
import { findFileProblem, SNIFF_BYTES, type FileProblem } from './file-problems'

export type FileCheck =
  | { status: 'idle' }
  | { status: 'refused'; file: File; problem: FileProblem }
  | { status: 'reading'; file: File; bytes: number; lines: number; bytesPerSecond: number | null }
  | { status: 'checked'; file: File; report: ValidationReport; sha256: string }
  | { status: 'crashed'; file: File; message: string }

/**
 * Checks a batch file in a Web Worker (the page stays responsive on a 200 MB file) and hashes it in the
 * same pass. Cancelling terminates the worker, which stops the read at once.
 */
export function useFileCheck() {
  const [check, setCheck] = useState<FileCheck>({ status: 'idle' })
  const worker = useRef<Worker | null>(null)
  // Bumped by every start and reset, so a file dropped while the previous one is still being opened wins.
  const latest = useRef(0)

  const stop = useCallback(() => {
    worker.current?.terminate()
    worker.current = null
  }, [])

  const start = useCallback(
    async (file: File) => {
      stop()
      const id = ++latest.current
      let head: Uint8Array
      try {
        head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer())
      } catch {
        // The browser lost access to the file: it was moved, deleted or is still being written.
        if (latest.current === id)
          setCheck({
            status: 'crashed',
            file,
            message: 'The browser could not read this file. Check that it still exists and is not open in another program, then choose it again.',
          })
        return
      }
      if (latest.current !== id) return
      const problem = findFileProblem(file.name, file.size, head)
      if (problem) {
        setCheck({ status: 'refused', file, problem })
        return
      }
      const run = new Worker(new URL('./validate.worker.ts', import.meta.url), { type: 'module' })
      worker.current = run
      const startedAt = performance.now()
      setCheck({ status: 'reading', file, bytes: 0, lines: 0, bytesPerSecond: null })
      run.addEventListener('message', (event: MessageEvent<CheckMessage>) => {
        if (worker.current !== run) return
        const message = event.data
        if (message.type === 'progress') {
          const seconds = (performance.now() - startedAt) / 1000
          setCheck({ status: 'reading', file, bytes: message.bytes, lines: message.lines, bytesPerSecond: seconds > 0 ? message.bytes / seconds : null })
        } else {
          stop()
          setCheck(
            message.type === 'done'
              ? { status: 'checked', file, report: message.report, sha256: message.sha256 }
              : { status: 'crashed', file, message: message.message },
          )
        }
      })
      run.addEventListener('error', (event) => {
        if (worker.current !== run) return
        stop()
        setCheck({ status: 'crashed', file, message: event.message || 'The checker stopped unexpectedly.' })
      })
      run.postMessage({ type: 'check', file } satisfies CheckRequest)
    },
    [stop],
  )

  const reset = useCallback(() => {
    latest.current++
    stop()
    setCheck({ status: 'idle' })
  }, [stop])

  useEffect(() => stop, [stop])

  return { check, start, reset }
}
