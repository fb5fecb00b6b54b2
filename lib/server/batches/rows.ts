import 'server-only'
import { parseBatchStatus, type BatchStatus } from '@/lib/batch'
import { queryRows } from '@/lib/server/db/prepared'
import { Prisma, type Batch, type EngineRun, type File } from '@/lib/server/db/generated/client'

// The status reads (the batch page and the list, polled by every open tab about once a second) in plain SQL, one
// joined query each: through the Prisma client, each relation of an `include` is a query of its own, and every
// query is compiled afresh, which made a batch's status cost 13 queries and most of its time. They run as prepared
// statements, past the Prisma client (lib/server/db/prepared.ts). The SQL is the same on SQLite and PostgreSQL; the
// columns are named from the generated types, so a renamed column fails to compile here.

const columns = <Row>(alias: string, names: readonly (keyof Row & string)[], prefix = '') =>
  names.map((name) => `${alias}."${name}"${prefix ? ` AS "${prefix}${name}"` : ''}`).join(', ')

const SUMMARY_COLUMNS = [
  'id',
  'connectionId',
  'remoteId',
  'endpoint',
  'model',
  'status',
  'description',
  'metadata',
  'requestCountTotal',
  'requestCountCompleted',
  'requestCountFailed',
  'usageInputTokens',
  'usageCachedTokens',
  'usageOutputTokens',
  'usageReasoningTokens',
  'usageTotalTokens',
  'usageCacheWriteTokens',
  'usageByModel',
  'createdAt',
  'inProgressAt',
  'completedAt',
  'failedAt',
  'expiredAt',
  'cancelledAt',
  'simulated',
  'syncedAt',
  'syncError',
  'jobId',
] as const satisfies readonly (keyof Batch)[]

const DETAIL_COLUMNS = [
  ...SUMMARY_COLUMNS,
  'completionWindow',
  'errors',
  'finalizingAt',
  'cancellingAt',
  'expiresAt',
  'remoteInputFileId',
  'remoteOutputFileId',
  'remoteErrorFileId',
  'parentBatchId',
  'recordedAt',
  'nextSyncAt',
  'providerStatus',
] as const satisfies readonly (keyof Batch)[]

const FILE_COLUMNS = ['id', 'remoteId', 'filename', 'bytes', 'lineCount'] as const satisfies readonly (keyof File)[]
type FileColumns = Pick<File, (typeof FILE_COLUMNS)[number]>

type WithStatus<Row> = Omit<Row, 'status'> & { status: BatchStatus }

/** What a batch's summary, cost and rate need: the row, its connection's name and kind, its engine run's rates. */
export type BatchSummaryRow = WithStatus<Pick<Batch, (typeof SUMMARY_COLUMNS)[number]>> & {
  connectionName: string
  connectionKind: string
  run: Pick<EngineRun, 'upstreamName' | 'linesPerSecond' | 'tokensPerSecond' | 'updatedAt'> | null
}

export type BatchDetailRow = BatchSummaryRow &
  WithStatus<Pick<Batch, (typeof DETAIL_COLUMNS)[number]>> & {
    inputFile: FileColumns | null
    outputFile: FileColumns | null
    errorFile: FileColumns | null
    /** Where the output file is stored, for summing its usage once (fillUsageFromOutput). */
    outputStoragePath: string | null
    builtFromTable: boolean
    retryBatchIds: string[]
  }

type Prefixed<Row, Prefix extends string> = { [Key in keyof Row & string as `${Prefix}${Key}`]: Row[Key] | null }
type RawSummary = Pick<Batch, (typeof SUMMARY_COLUMNS)[number]> & {
  connectionName: string
  connectionKind: string
} & Prefixed<NonNullable<BatchSummaryRow['run']>, 'run_'>
type RawDetail = RawSummary &
  Pick<Batch, (typeof DETAIL_COLUMNS)[number]> &
  Prefixed<FileColumns, 'in_'> &
  Prefixed<FileColumns, 'out_'> &
  Prefixed<FileColumns, 'err_'> & { outputStoragePath: string | null; builtFromTable: boolean | number | bigint }

const RUN_SELECT =
  'e."upstreamName" AS "run_upstreamName", e."linesPerSecond" AS "run_linesPerSecond", e."tokensPerSecond" AS "run_tokensPerSecond", e."updatedAt" AS "run_updatedAt"'
const JOINS = 'JOIN "Connection" AS c ON c."id" = b."connectionId" LEFT JOIN "EngineRun" AS e ON e."batchId" = b."id"'

function toSummaryRow<Row extends RawSummary>(raw: Row) {
  const { connectionName, connectionKind, run_upstreamName, run_linesPerSecond, run_tokensPerSecond, run_updatedAt, ...batch } = raw
  return {
    ...batch,
    status: parseBatchStatus(batch.status),
    connectionName,
    connectionKind,
    // A LEFT JOIN that found no run gives nulls in every run column; updatedAt is never null in a real one.
    run:
      run_updatedAt === null
        ? null
        : { upstreamName: run_upstreamName, linesPerSecond: run_linesPerSecond ?? 0, tokensPerSecond: run_tokensPerSecond ?? 0, updatedAt: run_updatedAt },
  }
}

const fileOf = (id: string | null, remoteId: string | null, filename: string | null, bytes: bigint | null, lineCount: number | null) =>
  id === null || filename === null || bytes === null ? null : { id, remoteId, filename, bytes: BigInt(bytes), lineCount }

/** The batch rows with these ids, in no particular order (one query). */
export async function readBatchSummaries(ids: readonly string[]): Promise<BatchSummaryRow[]> {
  if (ids.length === 0) return []
  const rows = await queryRows<RawSummary>(
    Prisma.sql`SELECT ${Prisma.raw(columns<Batch>('b', SUMMARY_COLUMNS))}, c."name" AS "connectionName", c."kind" AS "connectionKind", ${Prisma.raw(RUN_SELECT)}
      FROM "Batch" AS b ${Prisma.raw(JOINS)} WHERE b."id" IN (${Prisma.join(ids)})`,
  )
  return rows.map(toSummaryRow)
}

/** Everything the batch page shows about one batch (two queries: the joined row, then its retries), or null. */
export async function readBatchDetail(batchId: string): Promise<BatchDetailRow | null> {
  const [rows, retries] = await Promise.all([
    queryRows<RawDetail>(
      Prisma.sql`SELECT ${Prisma.raw(columns<Batch>('b', DETAIL_COLUMNS))}, c."name" AS "connectionName", c."kind" AS "connectionKind", ${Prisma.raw(RUN_SELECT)},
        ${Prisma.raw(columns<File>('fi', FILE_COLUMNS, 'in_'))}, ${Prisma.raw(columns<File>('fo', FILE_COLUMNS, 'out_'))},
        ${Prisma.raw(columns<File>('fe', FILE_COLUMNS, 'err_'))}, fo."storagePath" AS "outputStoragePath",
        EXISTS (SELECT 1 FROM "SourceTable" AS s WHERE s."fileId" = b."inputFileId") AS "builtFromTable"
      FROM "Batch" AS b ${Prisma.raw(JOINS)}
        LEFT JOIN "File" AS fi ON fi."id" = b."inputFileId" LEFT JOIN "File" AS fo ON fo."id" = b."outputFileId" LEFT JOIN "File" AS fe ON fe."id" = b."errorFileId"
      WHERE b."id" = ${batchId}`,
    ),
    queryRows<{ id: string }>(Prisma.sql`SELECT r."id" FROM "Batch" AS r WHERE r."parentBatchId" = ${batchId} ORDER BY r."createdAt" ASC, r."id" ASC`),
  ])
  const raw = rows[0]
  if (!raw) return null
  const {
    in_id,
    in_remoteId,
    in_filename,
    in_bytes,
    in_lineCount,
    out_id,
    out_remoteId,
    out_filename,
    out_bytes,
    out_lineCount,
    err_id,
    err_remoteId,
    err_filename,
    err_bytes,
    err_lineCount,
    builtFromTable,
    ...rest
  } = raw
  return {
    ...toSummaryRow(rest),
    inputFile: fileOf(in_id, in_remoteId, in_filename, in_bytes, in_lineCount),
    outputFile: fileOf(out_id, out_remoteId, out_filename, out_bytes, out_lineCount),
    errorFile: fileOf(err_id, err_remoteId, err_filename, err_bytes, err_lineCount),
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    builtFromTable: Boolean(builtFromTable),
    retryBatchIds: retries.map((retry) => retry.id),
  }
}
