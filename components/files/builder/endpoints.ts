import type { BuilderEndpoint } from '@/lib/validations/builder'

export const ENDPOINT_LABELS: Record<BuilderEndpoint, string> = {
  '/v1/chat/completions': 'Chat completions',
  '/v1/responses': 'Responses',
  '/v1/embeddings': 'Embeddings',
  '/v1/moderations': 'Moderations',
  '/v1/completions': 'Completions (legacy)',
}

/** The model a new configuration starts with per endpoint; a model left at one follows an endpoint change. */
export const DEFAULT_MODELS: Record<BuilderEndpoint, string> = {
  '/v1/chat/completions': 'gpt-4o-mini',
  '/v1/responses': 'gpt-4.1-mini',
  '/v1/embeddings': 'text-embedding-3-small',
  '/v1/moderations': 'omni-moderation-latest',
  '/v1/completions': 'gpt-3.5-turbo-instruct',
}
