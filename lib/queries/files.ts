import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { cancelFileUpload, completeFileUpload, deleteFile, startFileUpload } from '@/lib/actions/files'
import { ActionError, isErrorBody, type ActionResult, type ErrorDetail } from '@/lib/errors'
import { unwrap } from './actions'
import type { FileDetail, FilePreview, FileSummary, Page, ProviderLineCheck } from '@/lib/types'
import type { FileListQuery } from '@/lib/validations/files'
import { ApiError, fetchJson, withQuery } from './fetch-json'

export type FileFilters = Partial<FileListQuery>

export const fileKeys = {
  all: ['files'] as const,
  lists: () => [...fileKeys.all, 'list'] as const,
  list: (filters: FileFilters) => [...fileKeys.lists(), filters] as const,
  pages: (filters: Omit<FileFilters, 'cursor'>) => [...fileKeys.lists(), 'pages', filters] as const,
  details: () => [...fileKeys.all, 'detail'] as const,
  detail: (fileId: string) => [...fileKeys.details(), fileId] as const,
  preview: (fileId: string, window: PreviewWindow) => [...fileKeys.detail(fileId), 'preview', window] as const,
}

/** Which lines of a file to preview: `lines` lines from line `from` (1-based). */
export type PreviewWindow = { from: number; lines: number }

const filePath = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}`

// A file that is gone stays gone: asking again only delays the "not found" the user needs to see.
const retryUnlessMissing = (failures: number, error: Error) => failures < 1 && !(error instanceof ApiError && (error.status === 404 || error.status === 400))

export const fileQueries = {
  list: (filters: FileFilters = {}) =>
    queryOptions({
      queryKey: fileKeys.list(filters),
      queryFn: ({ signal }) => fetchJson<Page<FileSummary>>(withQuery('/api/files', filters), { signal }),
    }),
  pages: (filters: Omit<FileFilters, 'cursor'> = {}) =>
    infiniteQueryOptions({
      queryKey: fileKeys.pages(filters),
      queryFn: ({ pageParam, signal }) => fetchJson<Page<FileSummary>>(withQuery('/api/files', { ...filters, cursor: pageParam }), { signal }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
  detail: (fileId: string) =>
    queryOptions({
      queryKey: fileKeys.detail(fileId),
      queryFn: ({ signal }) => fetchJson<FileDetail>(filePath(fileId), { signal }),
      retry: retryUnlessMissing,
    }),
  preview: (fileId: string, window: PreviewWindow = { from: 1, lines: 20 }) =>
    queryOptions({
      queryKey: fileKeys.preview(fileId, window),
      queryFn: ({ signal }) => fetchJson<FilePreview>(withQuery(`${filePath(fileId)}/preview`, window), { signal }),
      // A stored file's bytes never change.
      staleTime: Infinity,
      retry: retryUnlessMissing,
    }),
  providerCheck: (fileId: string, connectionId: string) =>
    queryOptions({
      queryKey: [...fileKeys.detail(fileId), 'provider-check', connectionId] as const,
      queryFn: ({ signal }) => fetchJson<ProviderLineCheck>(withQuery(`${filePath(fileId)}/provider-check`, { connectionId }), { signal }),
      // The file's bytes never change; a connection's default max tokens may, so it is read again on remount.
      staleTime: 60_000,
      retry: retryUnlessMissing,
    }),
}

export const useFiles = (filters: FileFilters = {}) => useQuery(fileQueries.list(filters))
export const useFilePages = (filters: Omit<FileFilters, 'cursor'> = {}) => useInfiniteQuery(fileQueries.pages(filters))
export const useFile = (fileId: string | null) => useQuery({ ...fileQueries.detail(fileId ?? ''), enabled: Boolean(fileId) })
/** The lines of a file that do not translate for an Anthropic or Gemini connection (New batch, before Create). */
export const useProviderCheck = (fileId: string | null, connectionId: string | null, enabled: boolean) =>
  useQuery({ ...fileQueries.providerCheck(fileId ?? '', connectionId ?? ''), enabled: enabled && Boolean(fileId) && Boolean(connectionId) })

export const useFilePreview = (fileId: string, options: { enabled?: boolean; window?: PreviewWindow } = {}) =>
  useQuery({ ...fileQueries.preview(fileId, options.window), enabled: options.enabled ?? true })

export function useDeleteFile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (fileId: string) => unwrap(await deleteFile({ fileId })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fileKeys.lists() }),
  })
}

export type UploadState =
  | { status: 'idle' }
  | { status: 'uploading'; sentBytes: number; totalBytes: number; bytesPerSecond: number | null }
  /** Every byte is on the server, which validates the file again before keeping it. */
  | { status: 'finishing' }
  | { status: 'cancelling' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: ErrorDetail }
  /** `reused`: an identical file was already stored, so that one is used ('existing': no bytes were sent). */
  | { status: 'done'; file: FileSummary; reused: 'existing' | 'duplicate' | null }

type UploadSession = {
  file: File
  sha256: string | undefined
  uploadId: string | null
  offset: number
  chunkBytes: number
  controller: AbortController
  running: boolean
}

/** Tries per request before the upload stops and offers a Retry button. */
export const UPLOAD_ATTEMPTS = 3
const RETRY_DELAYS_MS = [500, 1500]

// A dropped connection (the action's fetch throws) or a server crash may pass; a refusal will not.
const isTransient = (error: unknown) => !(error instanceof ActionError) || error.detail.code === 'internal_error'

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

// Every request here is safe to repeat: a resent chunk overwrites the bytes at its offset on the server.
// Aborting cuts a chunk in flight; the cancel that follows removes the upload, which the server never recreates.
async function withRetries<T>(call: () => Promise<ActionResult<T>>, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    try {
      return unwrap(await call())
    } catch (error) {
      if (signal.aborted || attempt >= UPLOAD_ATTEMPTS || !isTransient(error)) throw error
      await sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1500, signal)
    }
  }
}

/**
 * One chunk as the raw body of `PUT /api/uploads/{uploadId}?offset=N`: a route, not an action, so the server
 * streams it to disk (docs/decisions/010-upload-chunks-go-to-a-route.md). Answers like an action, so retries treat both alike.
 */
async function sendChunk(uploadId: string, offset: number, chunk: Blob, signal: AbortSignal): Promise<ActionResult<{ received: number }>> {
  const response = await fetch(`/api/uploads/${encodeURIComponent(uploadId)}?offset=${offset}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: chunk,
    signal,
  })
  const body: unknown = await response.json().catch(() => null)
  if (response.ok) return { ok: true, data: body as { received: number } }
  if (isErrorBody(body)) return { ok: false, error: body.error }
  // Not our error shape: a proxy or a restarting server answered, which may pass.
  throw new Error(`The server answered ${response.status}.`)
}

const toErrorDetail = (error: unknown): ErrorDetail =>
  error instanceof ActionError
    ? error.detail
    : { code: 'network_error', message: 'The server could not be reached. Check that Batchboard is still running, then retry.' }

/**
 * Sends a checked file to the server in chunks through the upload actions. A request that fails is tried
 * again (UPLOAD_ATTEMPTS times, with backoff); after that the upload waits for `retry()`, which resumes at
 * the last chunk the server confirmed. Cancelling, or leaving the page, removes what was sent.
 */
export function useUploadBatchFile() {
  const queryClient = useQueryClient()
  const [state, setState] = useState<UploadState>({ status: 'idle' })
  const session = useRef<UploadSession | null>(null)

  const run = useCallback(
    async (current: UploadSession): Promise<UploadState> => {
      const { signal } = current.controller
      const settle = (next: UploadState) => {
        if (session.current === current) setState(next)
        return next
      }
      current.running = true
      try {
        settle({ status: 'uploading', sentBytes: current.offset, totalBytes: current.file.size, bytesPerSecond: null })
        let uploadId = current.uploadId
        if (uploadId === null) {
          const started = await withRetries(() => startFileUpload({ filename: current.file.name, bytes: current.file.size, sha256: current.sha256 }), signal)
          if (started.kind === 'existing') {
            signal.throwIfAborted()
            const done = settle({ status: 'done', file: started.file, reused: 'existing' })
            if (session.current === current) session.current = null
            return done
          }
          // Kept before anything else can fail, so a cancel right now still removes the upload.
          uploadId = current.uploadId = started.uploadId
          current.chunkBytes = started.chunkBytes
          current.offset = 0
          signal.throwIfAborted()
        }
        const startedAt = performance.now()
        const resumedAt = current.offset
        while (current.offset < current.file.size) {
          const offset = current.offset
          const chunk = current.file.slice(offset, offset + current.chunkBytes)
          const { received } = await withRetries(() => sendChunk(uploadId, offset, chunk, signal), signal)
          signal.throwIfAborted()
          current.offset = received
          const seconds = (performance.now() - startedAt) / 1000
          settle({
            status: 'uploading',
            sentBytes: received,
            totalBytes: current.file.size,
            bytesPerSecond: seconds > 0 ? (received - resumedAt) / seconds : null,
          })
        }
        settle({ status: 'finishing' })
        const { file, duplicate } = await withRetries(() => completeFileUpload({ uploadId }), signal)
        const done: UploadState = { status: 'done', file, reused: duplicate ? 'duplicate' : null }
        settle(done)
        if (session.current === current) session.current = null
        void queryClient.invalidateQueries({ queryKey: fileKeys.lists() })
        return done
      } catch (error) {
        if (signal.aborted) {
          // What was sent is removed now rather than by the hourly sweep of abandoned uploads.
          if (current.uploadId !== null) await cancelFileUpload({ uploadId: current.uploadId }).catch(() => {})
          const cancelled = settle({ status: 'cancelled' })
          if (session.current === current) session.current = null
          return cancelled
        }
        // The server no longer has the upload (swept, or a lost answer to "complete"): retry starts over, and
        // the file's hash finds it if it was stored after all.
        if (error instanceof ActionError && error.detail.code === 'upload_not_found') current.uploadId = null
        return settle({ status: 'failed', error: toErrorDetail(error) })
      } finally {
        current.running = false
      }
    },
    [queryClient],
  )

  const start = useCallback(
    (file: File, sha256?: string) => {
      session.current?.controller.abort()
      const current: UploadSession = { file, sha256, uploadId: null, offset: 0, chunkBytes: 0, controller: new AbortController(), running: false }
      session.current = current
      return run(current)
    },
    [run],
  )

  const retry = useCallback(() => {
    const current = session.current
    if (current === null || current.running) return Promise.resolve(null)
    current.controller = new AbortController()
    return run(current)
  }, [run])

  const cancel = useCallback(() => {
    const current = session.current
    if (current === null) return
    setState({ status: 'cancelling' })
    if (current.running) {
      // The loop stops the chunk in flight and removes what was sent.
      current.controller.abort()
      return
    }
    session.current = null
    const removed = current.uploadId === null ? Promise.resolve() : cancelFileUpload({ uploadId: current.uploadId }).catch(() => {})
    void removed.then(() => setState((now) => (now.status === 'cancelling' ? { status: 'cancelled' } : now)))
  }, [])

  const reset = useCallback(() => {
    const current = session.current
    session.current = null
    setState({ status: 'idle' })
    if (current === null) return
    if (current.running) current.controller.abort()
    else if (current.uploadId !== null) void cancelFileUpload({ uploadId: current.uploadId }).catch(() => {})
  }, [])

  useEffect(() => reset, [reset])

  return { state, start, retry, cancel, reset }
}
