import 'server-only'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { emptyUsage, usageOf, type Usage } from '@/lib/server/engine/results'

/** One provider result converted to an OpenAI BatchRequestOutput line (serialised, newline-terminated). */
export type ConvertedResult = { file: 'output' | 'error'; line: string; body?: unknown }

export type ConvertedFiles = {
  /** Lines written to each file; 0 means no file to show, as OpenAI's null output_file_id / error_file_id. */
  succeeded: number
  failed: number
  /** Lines of the provider's file that were not JSON or not a result: counted, never silently dropped. */
  unreadable: number
  usage: Usage
}

/**
 * Streams a provider's results JSONL into an OpenAI-format output file and error file, one line at a time, so a
 * results file of any size converts in constant memory. `convert` maps one parsed provider line.
 */
export async function convertResultFile(
  rawPath: string,
  target: { outputPath: string; errorPath: string },
  convert: (value: unknown) => ConvertedResult | null,
): Promise<ConvertedFiles> {
  const output = createWriteStream(target.outputPath)
  const errors = createWriteStream(target.errorPath)
  const totals: ConvertedFiles = { succeeded: 0, failed: 0, unreadable: 0, usage: emptyUsage() }
  try {
    const lines = createInterface({ input: createReadStream(rawPath), crlfDelay: Infinity })
    for await (const text of lines) {
      if (text.trim() === '') continue
      let converted: ConvertedResult | null = null
      try {
        converted = convert(JSON.parse(text))
      } catch {
        converted = null
      }
      if (!converted) {
        totals.unreadable++
        continue
      }
      const stream = converted.file === 'output' ? output : errors
      if (converted.file === 'output') totals.succeeded++
      else totals.failed++
      if (converted.body !== undefined) addUsage(totals.usage, usageOf(converted.body))
      if (!stream.write(converted.line)) await once(stream, 'drain')
    }
  } finally {
    await Promise.all([close(output), close(errors)])
  }
  return totals
}

function addUsage(total: Usage, usage: Usage) {
  total.input += usage.input
  total.cached += usage.cached
  total.output += usage.output
  total.reasoning += usage.reasoning
  total.total += usage.total
}

async function close(stream: WriteStream) {
  if (stream.closed) return
  stream.end()
  await once(stream, 'close')
}
