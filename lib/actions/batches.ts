'use server'

import { defineAction } from '@/lib/server/actions'
import { cancelBatch as cancelStoredBatch, createBatch as createStoredBatch, deleteBatchRecord, refreshRemoteBatch } from '@/lib/server/batches'
import { retryFailedLines } from '@/lib/server/results'
import { batchIdInput, createBatchInput, deleteBatchInput } from '@/lib/validations/batches'
import { retryLinesInput } from '@/lib/validations/results'

export const createBatch = defineAction(createBatchInput, (input) => createStoredBatch(input))

export const cancelBatch = defineAction(batchIdInput, ({ batchId }) => cancelStoredBatch(batchId))

export const deleteBatch = defineAction(deleteBatchInput, ({ batchId, remote }) => deleteBatchRecord(batchId, { remote }))

export const refreshBatch = defineAction(batchIdInput, ({ batchId }) => refreshRemoteBatch(batchId))

export const retryBatchLines = defineAction(retryLinesInput, (input) => retryFailedLines(input))
