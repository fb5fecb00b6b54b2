import 'server-only'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { DEFAULT_MAX_ERRORS, formatRefusal, lineFormatOf, mixedFormatMessage, type LineFormat, type NativeFormat } from '@/lib/jsonl'
import { isObject } from '@/lib/providers/openai-line'
import type { ProviderLineError, Translated } from '@/lib/providers/openai-line'

export type TranslatedFile =
  | { ok: true; requests: number; bytes: number }
  | { ok: false; errors: ProviderLineError[]; /** All lines in error, beyond the first DEFAULT_MAX_ERRORS kept. */ errorCount: number }

/**
 * Reads a local OpenAI-format batch file line by line and translates each line, keeping the first errors in full
 * (as lib/jsonl's validator does) and stopping at the provider's limits. Each translated request goes to `accept` as
 * it comes (once a line has failed, none do: nothing will be sent); `bytes` is the JSON size of the requests.
 */
export async function translateFile<T>(
  path: string,
  translate: (value: unknown, line: number) => Translated<T>,
  accept: (request: T, json: string) => void | Promise<void>,
  limits: { maxRequests: number; maxBytes: number; provider: string; format: NativeFormat },
): Promise<TranslatedFile> {
  const errors: ProviderLineError[] = []
  let errorCount = 0
  let requests = 0
  let bytes = 0
  let line = 0
  let fileFormat: { format: LineFormat; line: number } | null = null
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  const addError = (error: ProviderLineError) => {
    errorCount++
    if (errors.length < DEFAULT_MAX_ERRORS) errors.push(error)
  }
  try {
    for await (const text of lines) {
      line++
      if (text.trim() === '') continue
      let value: unknown
      try {
        value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
      } catch {
        addError({ line, param: null, message: 'This line is not parseable as valid JSON.' })
        continue
      }
      if (isObject(value)) {
        const format = lineFormatOf(value)
        if (fileFormat === null) {
          const refusal = formatRefusal(format, limits.format)
          if (refusal) return fail(null, refusal)
          fileFormat = { format, line }
        } else if (format !== fileFormat.format) {
          addError({ line, param: null, message: mixedFormatMessage(format, fileFormat.format, fileFormat.line) })
          continue
        }
      }
      const translated = translate(value, line)
      if (!translated.ok) {
        addError(translated.error)
        continue
      }
      if (errorCount > 0) continue
      const json = JSON.stringify(translated.request)
      requests++
      bytes += Buffer.byteLength(json) + 1
      if (requests > limits.maxRequests)
        return fail(line, `${limits.provider} takes at most ${limits.maxRequests.toLocaleString('en')} requests per batch: split the file before this line.`)
      if (bytes > limits.maxBytes)
        return fail(line, `${limits.provider} takes at most ${Math.round(limits.maxBytes / 1024 / 1024)} MB per batch: split the file before this line.`)
      await accept(translated.request, json)
    }
  } finally {
    lines.close()
  }
  if (errorCount > 0) return { ok: false, errors, errorCount }
  if (requests === 0) return fail(null, 'The file has no requests.')
  return { ok: true, requests, bytes }
}

const fail = (line: number | null, message: string): TranslatedFile => ({ ok: false, errors: [{ line, param: null, message }], errorCount: 1 })
