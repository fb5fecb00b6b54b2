/** An upstream of the built-in engine as the browser sees it: no key, no header values. */
export type UpstreamSummary = {
  id: string
  name: string
  baseUrl: string
  /** Last 4 characters of the key; the rest never leaves the server. */
  apiKeyHint: string | null
  models: string[]
  maxConcurrency: number
  timeoutMs: number
  /** Header names only: values may be secrets. */
  headerNames: string[]
  /** `env`: set by BATCHBOARD_UPSTREAMS, read-only in the app. */
  source: 'env' | 'user'
}

/** The simulator's settings (BATCHBOARD_SIMULATOR_*), read-only in the app. */
export type SimulatorSettings = { latencyMs: number; concurrency: number; errorRate: number; rateLimitRate: number; timeoutRate: number }

export type EngineUpstreams = {
  upstreams: UpstreamSummary[]
  simulator: SimulatorSettings & {
    /** `all`: no other upstream is configured, so every model goes to the simulator; `sim`: only sim-* models. */
    serves: 'all' | 'sim'
  }
}

/** Which upstream would take a model, and why. */
export type ModelRoute = { model: string } & (
  | { upstream: 'simulator'; reason: 'sim-model' | 'no-upstreams' }
  | { upstream: { id: string; name: string }; reason: 'pattern'; pattern: string }
  | { upstream: null; reason: 'no-match' }
)

/** What "Test" found at GET {baseUrl}/models. Never contains the key or a header value. */
export type UpstreamTestResult =
  { ok: true; latencyMs: number; status: number; models: string[] } | { ok: false; latencyMs: number; status: number | null; message: string }
