import 'server-only'
import type { SystemInfo } from '@/lib/types'
import { env } from '@/lib/server/env'
import packageJson from '@/package.json'

export const getSystemInfo = async (): Promise<SystemInfo> => ({
  dataDir: env.dataDir,
  databasePath: env.databaseLabel,
  databaseKind: env.databaseKind,
  version: packageJson.version,
})
