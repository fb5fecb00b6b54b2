// The file each worker thread of lib/server/workers/pool.ts starts. Plain JavaScript outside the Next bundle, so
// the same file runs under `next start`, `npm run worker` (tsx) and vitest. It registers tsx (a runtime dependency,
// which also resolves the '@/' paths of tsconfig.json) for both module systems, as `node --import tsx` does: the
// package is not "type": "module", so the .ts files load as CommonJS.
import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'
import { register as registerCommonJs } from 'tsx/cjs/api'
import { register as registerEsm } from 'tsx/esm/api'

// Linux keeps a nice value per thread (setpriority(2), NOTES), and /proc/thread-self names this thread: the worker
// lowers its own priority, so when every core is busy the thread that answers requests gets one first. Validation
// is no slower on an idle machine. Where this is not possible (no /proc), the thread keeps the process's priority.
const WORKER_NICE = 10
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1))
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, Math.max(getPriority(threadId), WORKER_NICE))
} catch {
  // Not Linux, or no /proc mounted.
}

registerCommonJs()
registerEsm()
// As CommonJS, the module's exports arrive as the namespace's default.
const tasks = await import('./tasks.ts')

export default tasks.runTask ?? tasks.default.runTask
