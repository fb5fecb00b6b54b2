// The file each worker thread of lib/server/workers/pool.ts starts. Plain JavaScript outside the Next bundle, so
// the same file runs under `next start`, `npm run worker` (tsx) and vitest. It registers tsx (a runtime dependency,
// which also resolves the '@/' paths of tsconfig.json) for both module systems, as `node --import tsx` does: the
// package is not "type": "module", so the .ts files load as CommonJS.
import { register as registerCommonJs } from 'tsx/cjs/api'
import { register as registerEsm } from 'tsx/esm/api'
import { lowerThreadPriority } from './thread-priority.mjs'

registerCommonJs()
registerEsm()
lowerThreadPriority()
// As CommonJS, the module's exports arrive as the namespace's default.
const tasks = await import('./tasks.ts')

export default tasks.runTask ?? tasks.default.runTask
