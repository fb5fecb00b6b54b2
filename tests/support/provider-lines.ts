// The 200-line provider file's lines, without any test runner: the Vitest tests and the Playwright spec both use it.

// A 1×1 PNG, the smallest image a provider accepts as inline data.
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}

/** Which kind each line of the 200-line file is, by custom_id. */
export function lineKind(customId: string): 'system' | 'image' | 'tool' | 'no-max-tokens' | 'errored' | 'expired' | 'text' {
  if (customId === 'req-errored') return 'errored'
  if (customId === 'req-expired') return 'expired'
  if (customId === 'req-no-max') return 'no-max-tokens'
  const n = Number(customId.replace('req-', ''))
  return n % 10 === 1 ? 'system' : n % 10 === 2 ? 'image' : n % 10 === 3 ? 'tool' : 'text'
}

/**
 * An OpenAI-format chat batch of `count` lines for `model`: plain text, system prompts, inline images, tool calls, one
 * line without max_tokens, and two the fake providers end as errored and expired.
 */
export function providerBatchLines(model: string, count = 200): string[] {
  const lines: string[] = []
  const ids = Array.from({ length: count - 3 }, (_, i) => `req-${i}`).concat(['req-no-max', 'req-errored', 'req-expired'])
  for (const id of ids) {
    const kind = lineKind(id)
    const body: Record<string, unknown> = { model, max_completion_tokens: 64, messages: [{ role: 'user', content: `Question ${id}` }] }
    if (kind === 'system')
      body.messages = [
        { role: 'system', content: 'You answer briefly.' },
        { role: 'user', content: `Question ${id}` },
      ]
    if (kind === 'image')
      body.messages = [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
          ],
        },
      ]
    if (kind === 'tool') {
      body.tools = [WEATHER_TOOL]
      body.tool_choice = 'required'
    }
    if (kind === 'no-max-tokens') delete body.max_completion_tokens
    lines.push(JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body }))
  }
  return lines
}
