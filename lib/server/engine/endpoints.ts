import 'server-only'

/** The batch endpoints the engine sends to upstreams; OpenAI's images endpoints need an upstream that serves them (LocalAI, a diffusion server behind an OpenAI-compatible API) or the simulator. */
export const ENGINE_ENDPOINTS = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
] as const

/** OpenAI batch endpoints the engine accepts a batch for but does not run: each line fails validation with this. */
export const ENGINE_ENDPOINT_NOTES: ReadonlyMap<string, string> = new Map([
  [
    '/v1/videos',
    "The built-in engine does not run video generation ('/v1/videos'): no OpenAI-compatible upstream serves it. Run this file on an OpenAI connection instead.",
  ],
])

/**
 * What a create request may name: an endpoint the engine does not run (/v1/videos) still makes a batch, which then
 * fails validation with the note above, as OpenAI reports problems with a file's lines.
 */
export const ENGINE_ACCEPTED_ENDPOINTS: readonly string[] = [...ENGINE_ENDPOINTS, ...ENGINE_ENDPOINT_NOTES.keys()]
