import { readdirSync } from 'node:fs'
import path from 'node:path'
import { env } from '@/lib/server/env'

/** Every file under DATA_DIR but the database, relative and sorted: what a refused request must leave as it was. */
export function listDataFiles(): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (!/batchboard\.db(-wal|-shm|-journal)?$/.test(entry.name)) files.push(path.relative(env.dataDir, full))
    }
  }
  walk(env.dataDir)
  return files.sort()
}
