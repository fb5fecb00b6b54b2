import 'server-only'
import { startEngine } from '@/lib/server/engine/start'
import { env } from '@/lib/server/env'
import { ABANDONED_UPLOAD_MS, sweepUploads } from '@/lib/server/files/upload'

const SWEEP_EVERY_MS = 10 * 60 * 1000

/** Work the server does on its own: started once per server process from instrumentation.ts. */
export function startBackgroundWork() {
  // No upload survives a restart (the browser's next chunk gets "start again"), so sweep them all now;
  // later, sweep only those abandoned for an hour.
  void sweepUploads(0).catch((error: unknown) => console.error('Sweeping temporary uploads failed:', error))
  setInterval(() => {
    void sweepUploads(ABANDONED_UPLOAD_MS).catch((error: unknown) => console.error('Sweeping temporary uploads failed:', error))
  }, SWEEP_EVERY_MS).unref()
  // BATCHBOARD_ENGINE=off leaves builtin batches to `npm run worker` processes.
  if (env.engineEnabled) void startEngine().catch((error: unknown) => console.error('Starting the batch engine failed:', error))
}
