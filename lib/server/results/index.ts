import 'server-only'

export { indexBatchResults, type IndexOutcome } from './indexer'
export { getResultFacets, getResultRow, listResultPage } from './query'
export { exportResults } from './export'
export { getResultImage } from './images'
export { retryFailedLines } from './retry'
