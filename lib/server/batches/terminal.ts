import 'server-only'
import { indexBatchResults } from '@/lib/server/results/indexer'
import { fillUsageFromOutput } from '@/lib/server/usage'

const reason = (error: unknown) => (error instanceof Error ? error.message : error)

/**
 * The one place where work hangs off a batch reaching a terminal state with its output and error files in the data
 * dir: the engine calls it after its terminal step, the sync once a remote batch's files are copied here. Usage is
 * summed from the output when the provider reported none (Azure and some gateways leave it out; the engine always
 * counts its own, so this is a no-op there), then the results are indexed so the results page opens at once. Nothing
 * here may fail the batch: the files are safe, and the results page indexes again when the index is missing.
 */
export async function onBatchTerminal(batchId: string): Promise<void> {
  await fillUsageFromOutput(batchId).catch((error: unknown) => console.error(`Summing the usage of ${batchId} failed:`, reason(error)))
  await indexBatchResults(batchId).catch((error: unknown) => console.error(`Indexing the results of ${batchId} failed:`, reason(error)))
}
