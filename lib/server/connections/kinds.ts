import 'server-only'
import { CONNECTION_KINDS } from '@/lib/constants'
import type { ConnectionKind } from '@/lib/types'

const isConnectionKind = (value: string): value is ConnectionKind => (CONNECTION_KINDS as readonly string[]).includes(value)

/** A connection's kind read back from the database, where only saveAppConnection and the migrations write it. */
export function parseConnectionKind(value: string): ConnectionKind {
  if (!isConnectionKind(value)) throw new Error(`The database holds a connection of the unknown kind "${value}".`)
  return value
}
