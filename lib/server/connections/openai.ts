import 'server-only'
import { createReadStream } from 'node:fs'
import OpenAI, { toFile } from 'openai'
import { describeProviderError, redact } from './provider-errors'
import type { ProviderApi } from './types'

/** What the SDK needs to reach a connection; the key decrypted, so this never leaves the server. */
export type OpenAITarget = { id: string; name: string; baseUrl: string; apiKey: string | null; organization: string | null; project: string | null }

/**
 * An SDK client for one connection. Every option is given explicitly: left undefined, the SDK would read
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID itself, and a connection made in the app
 * would silently use the environment's key.
 */
export function openaiClient(target: OpenAITarget, options: { timeout?: number; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: target.baseUrl,
    // The SDK refuses to start without credentials. A connection without a key (a local proxy with no auth) gets a
    // placeholder, and the Authorization header is then dropped, so nothing is sent in place of a key.
    apiKey: target.apiKey ?? 'no-key',
    adminAPIKey: null,
    organization: target.organization,
    project: target.project,
    // Webhooks are verified with the connection's own secret, passed to unwrap(); never OPENAI_WEBHOOK_SECRET by accident.
    webhookSecret: null,
    ...(target.apiKey === null ? { defaultHeaders: { Authorization: null } } : {}),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  })
}

/** The `openai` kind: api.openai.com or any server speaking /v1/files + /v1/batches, only through the official SDK. */
export function openaiApi(target: OpenAITarget, options: { timeout?: number; maxRetries?: number } = {}): ProviderApi {
  const client = openaiClient(target, options)
  return {
    async listBatches({ after, limit } = {}) {
      const page = await client.batches.list({ ...(after ? { after } : {}), ...(limit ? { limit } : {}) })
      const data = page.data
      return { data, hasMore: page.has_more, lastId: data.at(-1)?.id ?? null }
    },
    retrieveBatch: (batchId) => client.batches.retrieve(batchId),
    createBatch: ({ inputFileId, endpoint, completionWindow, metadata, outputExpiresAfterSeconds }) =>
      client.batches.create({
        input_file_id: inputFileId,
        endpoint,
        // OpenAI accepts only '24h'; other servers (the built-in engine, Groq, kluster.ai) accept more, so it is passed through.
        completion_window: completionWindow as '24h',
        ...(metadata ? { metadata } : {}),
        // Only when asked: servers that do not know the field may refuse it.
        ...(outputExpiresAfterSeconds ? { output_expires_after: { anchor: 'created_at', seconds: outputExpiresAfterSeconds } } : {}),
      }),
    cancelBatch: (batchId) => client.batches.cancel(batchId),
    uploadFile: async ({ path, filename }) =>
      client.files.create({ file: await toFile(createReadStream(path), filename, { type: 'application/jsonl' }), purpose: 'batch' }),
    fileContent: (fileId) => client.files.content(fileId),
    deleteFile: (fileId) => client.files.delete(fileId),
    describeError: (error) => {
      const { status, message } = describeProviderError(error, client.timeout)
      return { status, message: redact(message, [target.apiKey]) }
    },
  }
}
