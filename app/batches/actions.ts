'use server'

import { defineAction } from '@/lib/server/actions'
import { cancelBatch as cancelStoredBatch, createBatch as createStoredBatch, deleteBatchRecord } from '@/lib/server/batches'
import { retryFailedLines } from '@/lib/server/results'
import { batchIdInput, createBatchInput } from '@/lib/validations/batches'
import { retryLinesInput } from '@/lib/validations/results'

export const createBatch = defineAction(createBatchInput, (input) => createStoredBatch(input))

export const cancelBatch = defineAction(batchIdInput, ({ batchId }) => cancelStoredBatch(batchId))

export const deleteBatch = defineAction(batchIdInput, ({ batchId }) => deleteBatchRecord(batchId))

export const retryBatchLines = defineAction(retryLinesInput, (input) => retryFailedLines(input))
