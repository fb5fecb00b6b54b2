import 'server-only'
import { z } from 'zod'
import { TokenTally } from '@/lib/jsonl/tokens'
import { runInWorker } from '@/lib/server/workers/pool'
import type { LinePosition, WrittenPart } from '@/lib/workers/split-part'

export const splitLimitsSchema = z.object({
  maxRequests: z.number().int().positive(),
  maxBytes: z.number().int().positive(),
  /** Estimated input tokens per part: the model's enqueued-token limit, so any part can run on its own. */
  maxTokens: z.number().int().positive().nullable(),
})

export type SplitLimits = z.infer<typeof splitLimitsSchema>

/** A job's stored limits (the snapshot its input was split by), read back through the schema rather than trusted. */
export const parseSplitLimits = (value: unknown): SplitLimits => splitLimitsSchema.parse(value)

/**
 * The limits a job cuts its parts by. Under an enqueued-token limit that holds a few parts and a fraction, whole parts
 * leave the fraction idle however fast the queue turns (3.5 parts of room run 3: 0.86 at best). So when the lines-
 * or bytes-bound part would be smaller than the token limit, parts are cut to an even share of it instead: the
 * smallest number of parts that covers the limit, each at most limit / that number, so that many fill it exactly.
 * `input` is the stored input file's totals (its validator estimate), which give the tokens a line averages.
 */
export function fillingPartLimits(limits: SplitLimits, input: { lines: number; bytes: number; estimatedTokens: number }): SplitLimits {
  if (limits.maxTokens === null || input.lines === 0 || input.estimatedTokens === 0) return limits
  const linesPerPart = Math.min(limits.maxRequests, Math.floor(limits.maxBytes / Math.max(1, input.bytes / input.lines)))
  const partTokens = linesPerPart * (input.estimatedTokens / input.lines)
  if (partTokens >= limits.maxTokens || partTokens <= 0) return limits
  const parts = Math.ceil(limits.maxTokens / partTokens)
  return { ...limits, maxTokens: Math.floor(limits.maxTokens / parts) }
}

export type SplitPart = WrittenPart & {
  /** Where the next part starts in the input (bytes, and requests before it). */
  next: LinePosition
}

export type SplitOptions = {
  limits: SplitLimits
  endpoint: string
  model: string | null
  /** Resume point: the input's byte offset and request index of the first line not in a committed part. */
  from?: LinePosition
  /** Which input lines to take (1-based, ascending); all when omitted. Retry parts take only the lines that failed. */
  only?: readonly number[]
  /** Where the n-th part made by this call is written (overwritten if a crash left it behind). */
  partPath: (n: number) => string
}

export class LineTooLargeError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`Line ${line} ${reason}, so it fits in no batch on this connection. Shorten it or raise the connection's limits.`)
  }
}

/**
 * Cuts a JSONL input into parts that each fit the limits, one worker task a part (lib/workers/split-part.ts): the
 * token estimate needs the tokenizer, which loads only in worker threads, and the worker streams the input, holding
 * only the lines of the part being written (as offsets; their text goes straight to disk), so a 1 GB input splits in
 * constant memory on both threads. Each part is written to a `.part` file, fsynced and renamed before it is yielded;
 * the caller commits it (rows and resume point in one transaction) before asking for the next, so a crash at any
 * moment resumes from the last committed part.
 */
export async function* splitIntoParts(inputPath: string, options: SplitOptions): AsyncGenerator<SplitPart> {
  let from = options.from ?? { offset: 0, index: 0 }
  let tally = new TokenTally('sampled').state()
  let made = 0
  // The wanted lines before `from` are behind us; a part takes at most maxRequests lines, and one more tells where it ends.
  let wanted = 0
  for (;;) {
    let only: number[] | null = null
    if (options.only) {
      while (wanted < options.only.length && options.only[wanted]! <= from.index) wanted++
      only = options.only.slice(wanted, wanted + options.limits.maxRequests + 1)
    }
    const result = await runInWorker({
      kind: 'split-part',
      input: inputPath,
      from,
      limits: options.limits,
      endpoint: options.endpoint,
      model: options.model,
      only,
      tally,
      partPath: options.partPath(made + 1),
    })
    if (result.kind === 'line-too-large') throw new LineTooLargeError(result.line, result.reason)
    if (result.part) {
      made++
      yield { ...result.part, next: result.next }
    }
    if (result.done) return
    from = result.next
    tally = result.tally
  }
}
