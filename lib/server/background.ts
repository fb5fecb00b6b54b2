import 'server-only'
import { logger } from '@/lib/server/log'
import { sweepExports } from '@/lib/server/builder/enriched'
import { seedConnectionsFromEnv } from '@/lib/server/connections'
import { startSync } from '@/lib/server/connections/sync'
import { dbKind } from '@/lib/server/db'
import { startEngineInThread } from '@/lib/server/engine/start'
import { env } from '@/lib/server/env'
import { startJobs } from '@/lib/server/jobs'
import { ABANDONED_UPLOAD_MS, sweepUploads } from '@/lib/server/files/upload'
import { startIdleCollection } from '@/lib/server/idle-gc'
import { startEventLoopDelaySampling } from '@/lib/server/metrics'

const SWEEP_EVERY_MS = 10 * 60 * 1000

/** Work the server does on its own: started once per server process from instrumentation.ts. */
export function startBackgroundWork() {
  // Only the variable's name in the message: the error never carries the key, and neither may the log.
  void seedConnectionsFromEnv().catch((error: unknown) =>
    logger.error({ reason: error instanceof Error ? error.message : 'unknown error' }, 'Creating the OpenAI connection from OPENAI_API_KEY failed.'),
  )
  // No upload survives a restart (the browser's next chunk gets "start again"), so sweep them all now; later, sweep
  // only those abandoned for an hour. On PostgreSQL other servers may share DATA_DIR and be mid-upload: only those.
  void sweepUploads(dbKind === 'postgresql' ? ABANDONED_UPLOAD_MS : 0).catch((error: unknown) =>
    logger.error({ err: error }, 'Sweeping temporary uploads failed.'),
  )
  // Tables with answers a worker was writing when a server stopped (lib/server/builder/enriched.ts).
  const sweepStaleExports = () => void sweepExports().catch((error: unknown) => logger.error({ err: error }, 'Sweeping abandoned exports failed.'))
  sweepStaleExports()
  setInterval(() => {
    void sweepUploads(ABANDONED_UPLOAD_MS).catch((error: unknown) => logger.error({ err: error }, 'Sweeping temporary uploads failed.'))
    sweepStaleExports()
  }, SWEEP_EVERY_MS).unref()
  // The tokenizer (about 60 MB of rank tables) is not preloaded: uploads are checked in worker threads
  // (lib/server/workers), which load it on their first file, so the server process never holds it.
  // BATCHBOARD_ENGINE=off leaves builtin batches to `npm run worker` processes.
  // Remote batches: refreshed from their providers, finished ones' files copied here (claims keep processes apart).
  startSync()
  // Jobs: split, submitted as their connection's queue allows, reconciled and retried (claims keep processes apart).
  startJobs()
  // The request thread's event-loop delay, kept for /metrics over any range (the soak reads its p99 there).
  startEventLoopDelaySampling()
  // After a load, give back its garbage once the server is idle (lib/server/idle-gc.ts).
  startIdleCollection()
  // The engine runs in a worker thread that exists only while there is engine work (decision 055): its scheduler,
  // runner, live results index and simulator never hold up the requests this thread answers.
  if (env.engineEnabled) void startEngineInThread().catch((error: unknown) => logger.error({ err: error }, 'Starting the batch engine failed.'))
}
