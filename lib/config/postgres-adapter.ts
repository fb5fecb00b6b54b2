import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'

// Read by prisma.config.ts (so: no '@/' imports, no 'server-only') for the migrate commands only.

/**
 * PostgreSQL catalog types the pg adapter cannot map (it throws "Column type 'name' could not be deserialized"),
 * and the text types they read as. Prisma's schema engine reads the catalog (information_schema, pg_class) through the
 * adapter when it migrates, so every `prisma migrate` on PostgreSQL failed: prisma/prisma#27403, open for 6.19.
 */
const CATALOG_TYPES_AS_TEXT = new Map([
  [18, 25], // "char" -> text
  [19, 25], // name -> text
  [194, 25], // pg_node_tree -> text
  [1003, 1009], // name[] -> text[]
])

type Field = { dataTypeID: number }
type Result = { fields?: Field[] }

function asText<T>(result: T): T {
  const fields = (result as Result | null)?.fields
  if (fields) for (const field of fields) field.dataTypeID = CATALOG_TYPES_AS_TEXT.get(field.dataTypeID) ?? field.dataTypeID
  return result
}

/** A pg client whose results report the catalog types above as text, for the adapter's type mapping. */
class CatalogReadingClient extends pg.Client {
  // pg's query() has a dozen overloads (callback or promise); this passes every form through unchanged.
  override query(...args: unknown[]): never {
    const last = args.at(-1)
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => (last as (error: unknown, result: unknown) => void)(error, asText(result))
    }
    const returned = (super.query as (...params: unknown[]) => unknown)(...args)
    return (returned instanceof Promise ? returned.then(asText) : returned) as never
  }
}

/** The adapter `prisma migrate` uses on PostgreSQL. The app's client uses PrismaPg as it is (its queries read no catalog). */
export function createMigrationAdapter(connectionString: string) {
  return new PrismaPg({ connectionString, Client: CatalogReadingClient })
}
