export type ApiKeySummary = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

/** The one answer that carries a key's plaintext: right after it is created, never again. */
export type CreatedApiKey = ApiKeySummary & { key: string }

export type ApiKeyList = {
  keys: ApiKeySummary[]
  /** Whether BATCHBOARD_API_KEY is set in the server's environment (never its value). */
  envKeySet: boolean
}
