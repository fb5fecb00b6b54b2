// Generated batch results for the results explorer's tests and bench: an input file, and output and error files whose
// lines come back shuffled, with a fixed mix of outcomes. Plain Node (no server modules), so the bench can use it too.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'

export type Outcome = 'succeeded' | 'context_length_exceeded' | 'server_error' | 'expired' | 'cancelled' | 'missing'

/** Per 100 lines: 89 succeed, 5 context_length_exceeded, 3 server_error, 1 expired, 1 cancelled, 1 missing. */
export function outcomeOf(line: number): Outcome {
  const r = line % 100
  if (r < 5) return 'context_length_exceeded'
  if (r < 8) return 'server_error'
  if (r === 8) return 'expired'
  if (r === 9) return 'cancelled'
  if (r === 10) return 'missing'
  return 'succeeded'
}

export const customIdOf = (line: number) => `req-${line}`
/** Every 1,000th prompt mentions a zebra; every 500th answer a quokka (full-text search targets). */
export const promptOf = (line: number) => `Question ${line}: summarise the ${line % 1000 === 0 ? 'zebra' : 'report'} of section ${line % 37}`
export const answerOf = (line: number) => `Answer ${line}: the section is about ${line % 500 === 0 ? 'a quokka' : 'budgets'} and ${'detail '.repeat(20)}`

export function expectedCounts(lines: number) {
  const counts: Record<Outcome, number> = { succeeded: 0, context_length_exceeded: 0, server_error: 0, expired: 0, cancelled: 0, missing: 0 }
  for (let line = 1; line <= lines; line++) counts[outcomeOf(line)]++
  return counts
}

function inputLine(line: number): string {
  return JSON.stringify({
    custom_id: customIdOf(line),
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: promptOf(line) },
      ],
    },
  })
}

function resultLine(line: number): { file: 'output' | 'error'; text: string } | null {
  const outcome = outcomeOf(line)
  const id = `batch_req_${line.toString(16).padStart(8, '0')}`
  const customId = customIdOf(line)
  switch (outcome) {
    case 'missing':
      return null
    case 'expired':
    case 'cancelled': {
      const code = outcome === 'expired' ? 'batch_expired' : 'batch_cancelled'
      return { file: 'error', text: JSON.stringify({ id, custom_id: customId, response: null, error: { code, message: `Not run (${code}).` } }) }
    }
    case 'context_length_exceeded':
    case 'server_error': {
      const status = outcome === 'server_error' ? 500 : 400
      const error =
        outcome === 'server_error'
          ? { message: 'The server had an error.', type: 'server_error', param: null, code: null }
          : { message: 'Too long.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' }
      return {
        file: 'error',
        text: JSON.stringify({ id, custom_id: customId, response: { status_code: status, request_id: `req_${line}`, body: { error } }, error: null }),
      }
    }
    case 'succeeded': {
      const completion = 10 + (line % 90)
      const body = {
        id: `chatcmpl-${line}`,
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: answerOf(line) }, finish_reason: line % 50 === 11 ? 'length' : 'stop' }],
        usage: { prompt_tokens: 20, completion_tokens: completion, total_tokens: 20 + completion },
      }
      return { file: 'output', text: JSON.stringify({ id, custom_id: customId, response: { status_code: 200, request_id: `req_${line}`, body }, error: null }) }
    }
  }
}

async function writeLines(path: string, lines: Iterable<string>) {
  const out = createWriteStream(path)
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, 'drain')
  out.end()
  await finished(out)
}

/** Writes the three files for `count` lines; result lines are written in a shuffled (but fixed) order. */
export async function writeResultFiles(count: number, paths: { input: string; output: string; error: string }) {
  await writeLines(
    paths.input,
    (function* () {
      for (let line = 1; line <= count; line++) yield inputLine(line)
    })(),
  )
  // A fixed permutation: a stride coprime with the count visits every line once, far from input order.
  let stride = 7919
  while (gcd(stride, count) !== 1) stride++
  const order = (function* () {
    for (let k = 0; k < count; k++) yield ((k * stride) % count) + 1
  })()
  const outputs: string[] = []
  const errors: string[] = []
  for (const line of order) {
    const result = resultLine(line)
    if (result) (result.file === 'output' ? outputs : errors).push(result.text)
  }
  await writeLines(paths.output, outputs)
  await writeLines(paths.error, errors)
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
