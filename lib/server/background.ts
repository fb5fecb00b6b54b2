import 'server-only'
import { loadTokenCounter } from '@/lib/jsonl'
import { seedConnectionsFromEnv } from '@/lib/server/connections'
import { startSync } from '@/lib/server/connections/sync'
import { startEngine } from '@/lib/server/engine/start'
import { env } from '@/lib/server/env'
import { startJobs } from '@/lib/server/jobs'
import { ABANDONED_UPLOAD_MS, sweepUploads } from '@/lib/server/files/upload'

const SWEEP_EVERY_MS = 10 * 60 * 1000

/** Work the server does on its own: started once per server process from instrumentation.ts. */
export function startBackgroundWork() {
  // Only the variable's name in the message: the error never carries the key, and neither may the log.
  void seedConnectionsFromEnv().catch((error: unknown) =>
    console.error('Creating the OpenAI connection from OPENAI_API_KEY failed:', error instanceof Error ? error.message : 'unknown error'),
  )
  // No upload survives a restart (the browser's next chunk gets "start again"), so sweep them all now;
  // later, sweep only those abandoned for an hour.
  void sweepUploads(0).catch((error: unknown) => console.error('Sweeping temporary uploads failed:', error))
  setInterval(() => {
    void sweepUploads(ABANDONED_UPLOAD_MS).catch((error: unknown) => console.error('Sweeping temporary uploads failed:', error))
  }, SWEEP_EVERY_MS).unref()
  // The token estimate of every upload needs o200k_base (the encoding of every current OpenAI model): about 60 MB
  // of rank tables, loaded now so that the first upload neither waits for them nor grows the server by them
  // mid-request. cl100k_base (GPT-4, GPT-3.5, embeddings v3) still loads on first use.
  void loadTokenCounter('o200k_base').catch((error: unknown) => console.error('Loading the tokenizer failed:', error))
  // BATCHBOARD_ENGINE=off leaves builtin batches to `npm run worker` processes.
  // Remote batches: refreshed from their providers, finished ones' files copied here (claims keep processes apart).
  startSync()
  // Jobs: split, submitted as their connection's queue allows, reconciled and retried (claims keep processes apart).
  startJobs()
  if (env.engineEnabled) void startEngine().catch((error: unknown) => console.error('Starting the batch engine failed:', error))
}
