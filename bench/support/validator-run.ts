// One measurement in a process of its own, so its RSS says only what this run needed:
//   node --import tsx bench/support/validator-run.ts <file> <variant>
// prints one JSON line (ValidatorRun). Spawned by bench/validator.bench.ts.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { validateBatchFile, type TokenEstimateMode } from '@/lib/jsonl'
import { trackPeakRss } from './memory'

export const VALIDATOR_VARIANTS = ['bare', 'tokens-off', 'sampled-cold', 'sampled-warm', 'tokenizer-only'] as const
export type ValidatorVariant = (typeof VALIDATOR_VARIANTS)[number]

export type ValidatorRun = {
  variant: ValidatorVariant
  seconds: number
  bytes: number
  /** Peak RSS growth over the RSS just before the run, in bytes. */
  rssGrowth: number
  requests: number
  ok: boolean
}

// The same read size for the bare loop and the validator; the server reads uploads in 1 MiB chunks too.
const CHUNK_BYTES = 1 << 20
const NEWLINE = 10

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The floor: split on newline bytes, decode, JSON.parse, nothing else. */
async function bareLoop(file: string): Promise<{ requests: number; bytes: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let tail: Uint8Array | null = null
  let requests = 0
  let bytes = 0
  const parse = (line: Uint8Array) => {
    if (line.length === 0) return
    JSON.parse(decoder.decode(line))
    requests++
  }
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    bytes += chunk.length
    let start = 0
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end)
      parse(tail === null ? piece : concat(tail, piece))
      tail = null
      start = end + 1
    }
    // Copied: the stream may reuse its buffer.
    if (start < chunk.length) tail = tail === null ? new Uint8Array(chunk.subarray(start)) : concat(tail, chunk.subarray(start))
  }
  if (tail !== null) parse(tail)
  return { requests, bytes }
}

async function validate(file: string, tokenEstimate: TokenEstimateMode) {
  const report = await validateBatchFile(createReadStream(file, { highWaterMark: CHUNK_BYTES }), { tokenEstimate })
  return { requests: report.facts.requestCount, bytes: report.facts.bytes, ok: report.ok }
}

/** Validates a one-line file, which loads the tokenizer the way a first small validation would. */
async function loadTokenizer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-bench-tiny-'))
  try {
    const file = path.join(dir, 'tiny.jsonl')
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Load the tokenizer.' }] }
    writeFileSync(file, JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body }) + '\n')
    return await validate(file, 'sampled')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  const [file, variant] = process.argv.slice(2) as [string, ValidatorVariant]
  if (!file || !VALIDATOR_VARIANTS.includes(variant)) throw new Error(`usage: validator-run.ts <file> <${VALIDATOR_VARIANTS.join('|')}>`)
  if (variant === 'sampled-warm') await loadTokenizer()

  const memory = trackPeakRss()
  const started = performance.now()
  let result: { requests: number; bytes: number; ok?: boolean }
  switch (variant) {
    case 'bare':
      result = await bareLoop(file)
      break
    case 'tokens-off':
      result = await validate(file, 'off')
      break
    case 'sampled-cold':
    case 'sampled-warm':
      result = await validate(file, 'sampled')
      break
    case 'tokenizer-only':
      result = await loadTokenizer()
      break
  }
  const seconds = (performance.now() - started) / 1000
  const run: ValidatorRun = { variant, seconds, bytes: result.bytes, rssGrowth: memory.stop(), requests: result.requests, ok: result.ok ?? true }
  console.log(JSON.stringify(run))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
