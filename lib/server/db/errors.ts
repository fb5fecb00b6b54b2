import 'server-only'

const asRecord = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null)

/**
 * Whether PostgreSQL refused text holding a NUL character (SQLSTATE 22021: its text type cannot store 0x00, where
 * SQLite stores it). Such text can only come from bad input, e.g. an id with "\0". Prisma throws the adapter's error
 * from model queries, and wraps it in `meta.driverAdapterError` from raw ones.
 */
export function isNulInTextError(error: unknown): boolean {
  const record = asRecord(error)
  const causes = [asRecord(record?.cause), asRecord(asRecord(asRecord(record?.meta)?.driverAdapterError)?.cause)]
  return causes.some((cause) => cause?.kind === 'postgres' && cause.code === '22021')
}
