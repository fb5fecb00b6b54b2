import 'server-only'
import { logger } from '@/lib/server/log'
import { db } from '@/lib/server/db'
import { requestJobTick } from '@/lib/server/jobs/wake'
import { indexBatchResults } from '@/lib/server/results/indexer'
import { fillUsageFromOutput } from '@/lib/server/usage'

/**
 * The one place where work hangs off a batch reaching a terminal state with its output and error files in the data
 * dir: the engine calls it after its terminal step, the sync once a remote batch's files are copied here. Usage is
 * summed from the output when the provider reported none (Azure and some gateways leave it out; the engine always
 * counts its own, so this is a no-op there), then the results are indexed so the results page opens at once. Nothing
 * here may fail the batch: the files are safe, and the results page indexes again when the index is missing. A job's
 * part batch then wakes its job, which takes the results in now rather than at its next timed look.
 */
export async function onBatchTerminal(batchId: string): Promise<void> {
  await fillUsageFromOutput(batchId).catch((error: unknown) => logger.error({ err: error, batchId }, 'Summing the usage failed.'))
  await indexBatchResults(batchId).catch((error: unknown) => logger.error({ err: error, batchId }, 'Indexing the results failed.'))
  const batch = await db.batch.findUnique({ where: { id: batchId }, select: { jobId: true } })
  if (batch?.jobId) await requestJobTick(batch.jobId).catch((error: unknown) => logger.error({ err: error, jobId: batch.jobId }, 'Waking the job failed.'))
}
