import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { storageDirs } from '@/lib/server/storage'
import { startFakeGemini, type FakeGemini } from '@/tests/support/fake-gemini'
import { tempDirForFile, writeProviderBatchFile } from '@/tests/support/provider-batch-file'

// What createBatch needs of a Gemini upload (the lines' kind and model) is kept in DATA_DIR until create, as Anthropic's
// requests are (docs/decisions/046). A "restart" here is fresh module state: nothing in memory is shared.
const MODEL = 'gemini-2.5-flash'
const tempPath = tempDirForFile('gemini-held-')
let fake: FakeGemini

async function freshAdapter() {
  vi.resetModules()
  const { geminiApi } = await import('@/lib/server/providers/gemini/api')
  return geminiApi({ id: 'conn_held_gemini', name: 'Gemini', baseUrl: fake.baseURL, apiKey: fake.apiKey, defaultMaxTokens: null }, { timeout: 5_000 })
}

const keptFacts = async () =>
  existsSync(storageDirs.providerInputs) ? (await readdir(storageDirs.providerInputs)).filter((name) => name.startsWith('gemini-')) : []

beforeAll(async () => {
  fake = await startFakeGemini()
})

afterAll(async () => {
  await fake.close()
})

describe('Gemini uploads between upload and create', () => {
  it('keep their facts on disk, so an adapter with fresh module state creates the batch and forgets them', async () => {
    const input = tempPath('input.jsonl')
    await writeProviderBatchFile(input, MODEL, 12)
    const before = await keptFacts()
    const uploaded = await (await freshAdapter()).uploadFile({ path: input, filename: 'input.jsonl' })
    expect(fake.uploads.get(uploaded.id)).toHaveLength(12)
    expect((await keptFacts()).length).toBe(before.length + 1)

    const created = await (await freshAdapter()).createBatch({ inputFileId: uploaded.id, endpoint: '/v1/chat/completions', completionWindow: '24h' })
    expect(created).toMatchObject({ model: MODEL, input_file_id: uploaded.id, request_counts: { total: 12 } })
    expect(await keptFacts()).toEqual(before)
    await expect((await freshAdapter()).createBatch({ inputFileId: uploaded.id, endpoint: '/v1/chat/completions', completionWindow: '24h' })).rejects.toThrow(
      /is gone .*start the batch again/,
    )
  })

  it('forget them when the upload is deleted', async () => {
    const input = tempPath('deleted.jsonl')
    await writeProviderBatchFile(input, MODEL, 3)
    const before = await keptFacts()
    const uploaded = await (await freshAdapter()).uploadFile({ path: input, filename: 'deleted.jsonl' })
    expect((await keptFacts()).length).toBe(before.length + 1)
    await (await freshAdapter()).deleteFile(uploaded.id)
    expect(await keptFacts()).toEqual(before)
  })
})
