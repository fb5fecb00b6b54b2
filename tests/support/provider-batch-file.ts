import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { providerBatchLines } from './provider-lines'

export { lineKind, providerBatchLines, TINY_PNG_BASE64 } from './provider-lines'

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
