import { readFileSync } from 'node:fs'
import { saveConnection } from '@/lib/actions/connections'
import { createApiKey } from '@/lib/server/api-keys'
import { db } from '@/lib/server/db'
import { getJob, tickJob } from '@/lib/server/jobs'
import { fromStoragePath } from '@/lib/server/storage'
import { parseResultLines, waitFor } from './engine'

/** Ticks a job in this process until it ends (completed, cancelled or failed); fails the test after `timeoutMs`. */
export function runJobToEnd(jobId: string, timeoutMs = 60_000, everyMs = 100) {
  return waitFor(
    async () => {
      await tickJob(jobId)
      return getJob(jobId)
    },
    (job) => ['completed', 'cancelled', 'failed'].includes(job.status),
    timeoutMs,
    everyMs,
  )
}

/** The parsed lines of a stored JSONL file (a job's output or error file). */
export const readJsonl = (fileId: string) =>
  db.file.findUniqueOrThrow({ where: { id: fileId } }).then((file) => parseResultLines(readFileSync(fromStoragePath(file.storagePath!), 'utf8')))

/** An `openai` connection to this app's /v1 at `baseUrl` (direct or through a proxy), cutting parts at `maxRequestsPerBatch`. */
export async function saveV1Connection(name: string, baseUrl: string, maxRequestsPerBatch: number): Promise<string> {
  const { key } = await createApiKey({ name })
  const saved = await saveConnection({ name, baseUrl, apiKey: key })
  if (!saved.ok) throw new Error(saved.error.message)
  await db.connection.update({ where: { id: saved.data.id }, data: { maxRequestsPerBatch } })
  return saved.data.id
}
