import 'server-only'
import type { BatchLimits } from '@/lib/connections/limits'
import { cancelRemoteBatch, createRemoteBatch, deleteRemoteBatchFiles, importRemoteBatches } from './remote-batches'
import { syncBatchNow } from './sync'
import type { BatchConnection, ProviderConnection } from './types'

/**
 * The lifecycle of a batch that lives on a provider, the same for every remote kind: upload (or translate) the stored
 * file, create, record, then sync until the results are copied here. What differs between providers is in `api`.
 */
export function remoteConnection(provider: ProviderConnection, limits: BatchLimits): BatchConnection {
  return {
    ...provider,
    remote: true,
    limits,
    createBatch: (input) => createRemoteBatch(provider, input),
    refreshBatch: (batchId) => syncBatchNow(batchId),
    cancelBatch: (batchId) => cancelRemoteBatch(provider, batchId),
    listBatches: (page) => provider.api.listBatches(page),
    importBatches: () => importRemoteBatches(provider),
    deleteFiles: (batchId) => deleteRemoteBatchFiles(provider, batchId),
    describeError: (error) => provider.api.describeError(error),
  }
}
