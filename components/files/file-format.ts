import type { BatchFileFacts } from '@/lib/jsonl'
import { formatBytes, formatNumber } from '@/lib/format'

export const formatPercent = (fraction: number) => `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`

export const formatSpeed = (bytesPerSecond: number) => `${formatBytes(bytesPerSecond)}/s`

/** "12.3 MB of 27.2 MB · 45% · 85 MB/s": how far a read or an upload has got. */
export function describeTransfer(done: number, total: number, bytesPerSecond: number | null): string {
  const parts = [`${formatBytes(done)} of ${formatBytes(total)}`]
  if (bytesPerSecond !== null && done > 0) parts.push(formatSpeed(bytesPerSecond))
  return parts.join(' · ')
}

/** Size limits as the validator states them: OpenAI's "200 MB" read as MiB (lib/jsonl/limits.ts). */
export const formatMegabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`

const GENERATION_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/completions', '/v1/responses'])

export const isGenerationEndpoint = (endpoint: string | null) => endpoint !== null && GENERATION_ENDPOINTS.has(endpoint)

/** The spread of output caps across a file: "100", "64–512", "64–512 · 3 not set", "not set". */
export function describeMaxTokens({ min, max, missing }: BatchFileFacts['maxTokens']): string {
  const notSet = missing > 0 ? `${formatNumber(missing)} not set` : null
  if (min === null || max === null) return notSet === null ? '—' : 'not set'
  const range = min === max ? formatNumber(min) : `${formatNumber(min)}–${formatNumber(max)}`
  return notSet === null ? range : `${range} · ${notSet}`
}
