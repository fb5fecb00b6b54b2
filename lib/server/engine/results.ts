import 'server-only'
import { newResultLineId } from '@/lib/server/ids'

export type Usage = { input: number; cached: number; output: number; reasoning: number; total: number }

export const emptyUsage = (): Usage => ({ input: 0, cached: 0, output: 0, reasoning: 0, total: 0 })

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const obj = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {})

/** Token usage of one response, whichever endpoint's naming it uses (chat/completions/embeddings vs responses). */
export function usageOf(body: unknown): Usage {
  const usage = obj(obj(body).usage)
  const input = num(usage.prompt_tokens ?? usage.input_tokens)
  const output = num(usage.completion_tokens ?? usage.output_tokens)
  return {
    input,
    output,
    cached: num(obj(usage.prompt_tokens_details ?? usage.input_tokens_details).cached_tokens),
    reasoning: num(obj(usage.completion_tokens_details ?? usage.output_tokens_details).reasoning_tokens),
    total: usage.total_tokens === undefined ? input + output : num(usage.total_tokens),
  }
}

/** OpenAI's BatchRequestOutput. `bodyJson` is already-serialised JSON, so an upstream's answer is not re-encoded. */
export function resultLine(customId: string, statusCode: number, requestId: string, bodyJson: string): string {
  return `{"id":"${newResultLineId()}","custom_id":${JSON.stringify(customId)},"response":{"status_code":${statusCode},"request_id":${JSON.stringify(requestId)},"body":${bodyJson}},"error":null}\n`
}

/** A line that never ran (batch expired or cancelled): no response, a top-level error. */
export function notRunLine(customId: string, code: 'batch_expired' | 'batch_cancelled'): string {
  const message =
    code === 'batch_expired'
      ? 'This request could not be executed before the completion window expired.'
      : 'This request was not executed because the batch was cancelled.'
  return `${JSON.stringify({ id: newResultLineId(), custom_id: customId, response: null, error: { code, message } })}\n`
}

export const errorBodyJson = (message: string, type: string, code: string | null) => JSON.stringify({ error: { message, type, param: null, code } })
