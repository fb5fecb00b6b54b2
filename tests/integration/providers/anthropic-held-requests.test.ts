import { existsSync } from 'node:fs'
import { appendFile, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { providerInputPath } from '@/lib/server/storage'
import { startFakeAnthropic, type FakeAnthropic } from '@/tests/support/fake-anthropic'
import { tempDirForFile, writeProviderBatchFile } from '@/tests/support/provider-batch-file'

// The requests translated at upload are kept in DATA_DIR until create (docs/decisions/046). A "restart" here is fresh
// module state: the adapter that creates the batch is imported anew and shares nothing in memory with the uploader.
const MODEL = 'claude-sonnet-4-6'
const tempPath = tempDirForFile('anthropic-held-')
let fake: FakeAnthropic

async function freshAdapter() {
  vi.resetModules()
  const { anthropicApi } = await import('@/lib/server/providers/anthropic/api')
  return anthropicApi({ id: 'conn_held', name: 'Anthropic', baseUrl: fake.baseURL, apiKey: fake.apiKey, defaultMaxTokens: 256 }, { timeout: 5_000 })
}

beforeAll(async () => {
  fake = await startFakeAnthropic()
})

afterAll(async () => {
  await fake.close()
})

describe('Anthropic requests between upload and create', () => {
  it('are on disk, so an adapter with fresh module state creates the batch from them and removes them', async () => {
    const input = tempPath('input.jsonl')
    await writeProviderBatchFile(input, MODEL, 20)
    const uploaded = await (await freshAdapter()).uploadFile({ path: input, filename: 'input.jsonl' })
    const held = providerInputPath(uploaded.id)
    const kept = (await readFile(held, 'utf8')).trim().split('\n')
    expect(kept).toHaveLength(20)
    expect(uploaded.bytes).toBe((await readFile(held)).length)
    expect(JSON.parse(kept[0]!)).toMatchObject({ custom_id: 'req-0', params: { model: MODEL, max_tokens: 64 } })
    expect(existsSync(`${held}.part`)).toBe(false)

    const created = await (await freshAdapter()).createBatch({ inputFileId: uploaded.id, endpoint: '/v1/chat/completions', completionWindow: '24h' })
    expect(created).toMatchObject({ model: MODEL, input_file_id: uploaded.id })
    expect(fake.received.get(created.id)).toHaveLength(20)
    expect(existsSync(held)).toBe(false)
    await expect((await freshAdapter()).createBatch({ inputFileId: uploaded.id, endpoint: '/v1/chat/completions', completionWindow: '24h' })).rejects.toThrow(
      /are gone .*start the batch again/,
    )
  })

  it('are removed when the upload is deleted, and none are kept for a file that does not translate', async () => {
    const input = tempPath('deleted.jsonl')
    await writeProviderBatchFile(input, MODEL, 5)
    const api = await freshAdapter()
    const uploaded = await api.uploadFile({ path: input, filename: 'deleted.jsonl' })
    expect(existsSync(providerInputPath(uploaded.id))).toBe(true)
    await (await freshAdapter()).deleteFile(uploaded.id)
    expect(existsSync(providerInputPath(uploaded.id))).toBe(false)

    const bad = tempPath('bad.jsonl')
    await writeProviderBatchFile(bad, MODEL, 3)
    const twoAnswers = {
      custom_id: 'n2',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: MODEL, n: 2, messages: [{ role: 'user', content: 'hi' }] },
    }
    await appendFile(bad, `${JSON.stringify(twoAnswers)}\n`)
    const before = fake.calls.length
    const keptBefore = await readdir(path.dirname(providerInputPath(uploaded.id)))
    await expect(api.uploadFile({ path: bad, filename: 'bad.jsonl' })).rejects.toThrow(/^line 4 \(body\.n\)/)
    expect(fake.calls.length).toBe(before)
    expect(await readdir(path.dirname(providerInputPath(uploaded.id)))).toEqual(keptBefore)
  })
})
