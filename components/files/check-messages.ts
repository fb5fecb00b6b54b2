import type { ValidationReport } from '@/lib/jsonl'

// What the page and validate.worker.ts say to each other. A cancelled check is ended with
// Worker.terminate(), so there is no cancel message.
export type CheckRequest = { type: 'check'; file: Blob }

export type CheckMessage =
  { type: 'progress'; bytes: number; lines: number } | { type: 'done'; report: ValidationReport; sha256: string } | { type: 'failed'; message: string }
