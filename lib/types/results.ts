import type { ResultFacts, ResultStatus } from '@/lib/results/extract'

/** "live": the engine is running the batch and its rows fill in as lines finish; the index is exact once "ready". */
export type ResultIndexState = 'indexing' | 'live' | 'ready' | 'failed' | 'not_indexed'

/** One row of a batch's results: a request joined to its result (or, with retries, the latest success). */
export type ResultRowSummary = Pick<
  ResultFacts,
  'statusCode' | 'errorCode' | 'errorMessage' | 'finishReason' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'outputImageCount'
> & {
  line: number | null
  customId: string
  status: ResultStatus
  /** How long the upstream took to answer the final attempt (built-in engine only). */
  latencyMs: number | null
  prompt: string | null
  response: string | null
  /** Images the request sends (the response's are `outputImageCount`): the table's thumbnails. */
  imageCount: number
  /** The batch whose result this is: a retry's id once the chain is merged. */
  sourceBatchId: string | null
}

export type ResultPage = {
  index: { state: ResultIndexState; message: string | null }
  data: ResultRowSummary[]
  /** Rows matching the filters (all pages). */
  total: number
  nextOffset: number | null
}

export type ResultFacets = {
  index: { state: ResultIndexState; message: string | null; rowCount: number }
  statuses: { status: ResultStatus; count: number }[]
  errorCodes: { code: string; count: number }[]
  /** Retries of this batch (and theirs), merged into these rows. */
  retryCount: number
}

export type ResultRowDetail = {
  row: ResultRowSummary
  /** The request line and the result line exactly as the files hold them. */
  inputLine: string | null
  resultLine: string | null
}
