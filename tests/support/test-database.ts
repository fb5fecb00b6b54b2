// Which database the integration suite runs on, shared by the global setup and each test file's setup.

export type TestDatabase = { kind: 'sqlite'; templatePath: string } | { kind: 'postgresql'; templateUrl: string }

export const POSTGRES_TEMPLATE = 'batchboard_template'

/** BATCHBOARD_TEST_DB=postgres runs the integration suite on PostgreSQL; unset (or sqlite), on SQLite. */
export function testDatabaseKind(): 'sqlite' | 'postgresql' {
  const value = process.env.BATCHBOARD_TEST_DB ?? 'sqlite'
  if (value === 'sqlite') return 'sqlite'
  if (value === 'postgres' || value === 'postgresql') return 'postgresql'
  throw new Error(`BATCHBOARD_TEST_DB must be sqlite or postgres, not ${JSON.stringify(value)}`)
}
