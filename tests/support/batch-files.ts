/** Builders for batch-file lines, so tests say what is special about a line and nothing else. */
export type ChatLineOptions = { customId?: string; model?: string; content?: string; url?: string }

export function chatLine({ customId = 'request-1', model = 'gpt-4o-mini', content = 'What is 2+2?', url = '/v1/chat/completions' }: ChatLineOptions = {}) {
  return JSON.stringify({ custom_id: customId, method: 'POST', url, body: { model, messages: [{ role: 'user', content }], max_tokens: 100 } })
}

/** A valid chat batch file of `count` lines. */
export function chatFile(count: number, options: Omit<ChatLineOptions, 'customId'> = {}): string {
  const lines: string[] = []
  for (let index = 1; index <= count; index++) lines.push(chatLine({ ...options, customId: `request-${index}` }))
  return `${lines.join('\n')}\n`
}
