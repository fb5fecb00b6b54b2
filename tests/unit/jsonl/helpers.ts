import { validateBatchFile, type ValidateOptions, type ValidationReport } from '@/lib/jsonl'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export const encoder = new TextEncoder()

export function chatRequest(customId: string, overrides: { [key: string]: Json } = {}, body: { [key: string]: Json } = {}): string {
  return JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello world' }], ...body },
    ...overrides,
  })
}

export function request(url: string, customId: string, body: { [key: string]: Json }): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url, body })
}

export async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}

export async function* atOffsets(bytes: Uint8Array, offsets: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0
  for (const offset of [...offsets, bytes.length]) {
    yield bytes.slice(start, offset)
    start = offset
  }
}

export function validate(content: string | Uint8Array, options?: ValidateOptions, chunkSize = 64 * 1024): Promise<ValidationReport> {
  const bytes = typeof content === 'string' ? encoder.encode(content) : content
  return validateBatchFile(inChunks(bytes, chunkSize), options)
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

// What a user sees of each error, without the wording.
export function where(report: ValidationReport): [string, number | null, string | null][] {
  return report.errors.map((error) => [error.code, error.line, error.param])
}
