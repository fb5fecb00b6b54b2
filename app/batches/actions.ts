'use server'

import { defineAction } from '@/lib/server/actions'
import { cancelBatch as cancelStoredBatch, createBatch as createStoredBatch, deleteBatchRecord } from '@/lib/server/batches'
import { batchIdInput, createBatchInput } from '@/lib/validations/batches'

export const createBatch = defineAction(createBatchInput, (input) => createStoredBatch(input))

export const cancelBatch = defineAction(batchIdInput, ({ batchId }) => cancelStoredBatch(batchId))

export const deleteBatch = defineAction(batchIdInput, ({ batchId }) => deleteBatchRecord(batchId))
