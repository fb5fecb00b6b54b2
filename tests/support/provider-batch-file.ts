import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

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

export async function writeProviderBatchFile(path: string, model: string, count = 200): Promise<string[]> {
  const lines = providerBatchLines(model, count)
  await writeFile(path, `${lines.join('\n')}\n`)
  return lines
}

/** A temp folder for the test file (made before its tests, removed after); returns a path maker inside it. */
export function tempDirForFile(prefix: string): (name: string) => string {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  return (name) => path.join(dir, name)
}

/** The JSON lines of a file. */
export async function readJsonl(file: string) {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

/**
 * What every provider client test needs: a fresh fake provider and a client on it per test, a temp folder per file,
 * and new input file names.
 */
export function providerTestRig<Fake extends { close(): Promise<void> }, Client>(prefix: string, start: () => Promise<Fake>, connect: (fake: Fake) => Client) {
  const at = tempDirForFile(prefix)
  let current: { fake: Fake; client: Client } | null = null
  let inputs = 0
  beforeEach(async () => {
    const fake = await start()
    current = { fake, client: connect(fake) }
  })
  afterEach(async () => {
    await current?.fake.close()
    current = null
  })
  const now = () => {
    if (!current) throw new Error('The rig is set up per test: use it inside a test.')
    return current
  }
  return {
    at,
    get fake() {
      return now().fake
    },
    get client() {
      return now().client
    },
    nextInputPath: () => at(`input-${++inputs}.jsonl`),
  }
}
