import 'server-only'
import type * as AnthropicSdk from '@anthropic-ai/sdk'
import type * as GeminiSdk from '@google/genai'

// The Anthropic and Gemini SDKs cost the server about 20 MB of RSS (8 MB of V8 heap) for as long as it runs, and most
// servers never use a connection of either kind: each loads the first time a connection of its kind makes a client.
// The loaded module is kept on globalThis, since Next bundles route groups apart and an error thrown by a client one
// bundle made may be classified by another (lib/server/connections/provider-errors.ts).

type Loaded = {
  anthropic?: Promise<typeof AnthropicSdk>
  anthropicModule?: typeof AnthropicSdk
  gemini?: Promise<typeof GeminiSdk>
  geminiModule?: typeof GeminiSdk
}
const loaded = ((globalThis as unknown as { batchboardProviderSdks?: Loaded }).batchboardProviderSdks ??= {})

export function loadAnthropicSdk(): Promise<typeof AnthropicSdk> {
  loaded.anthropic ??= import('@anthropic-ai/sdk').then((sdk) => (loaded.anthropicModule = sdk))
  return loaded.anthropic
}

export function loadGeminiSdk(): Promise<typeof GeminiSdk> {
  loaded.gemini ??= import('@google/genai').then((sdk) => (loaded.geminiModule = sdk))
  return loaded.gemini
}

/** The Anthropic SDK if something loaded it already, for telling its errors apart: none can exist before. */
export const loadedAnthropicSdk = (): typeof AnthropicSdk | null => loaded.anthropicModule ?? null

/** The Gemini SDK if something loaded it already. */
export const loadedGeminiSdk = (): typeof GeminiSdk | null => loaded.geminiModule ?? null
