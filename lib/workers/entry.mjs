// The file each worker thread of lib/server/workers/pool.ts starts. Plain JavaScript outside the Next bundle, so
// the same file runs under `next start`, `npm run worker` (tsx) and vitest. The tasks are TypeScript, which tsx (a
// runtime dependency, which also resolves the '@/' paths of tsconfig.json) compiles as they are required: the package
// is not "type": "module", so the .ts files load as CommonJS, and tsx's CommonJS hooks are all they need. Its ESM hooks
// (`module.register`) would run in a loader thread of their own: about 30 MB more RSS for each worker thread
// (decision 062). Packages the tasks import() (the tokenizer's encodings) are plain JavaScript Node loads itself.
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'
import { lowerThreadPriority } from './thread-priority.mjs'

register()
lowerThreadPriority()
const tasks = createRequire(import.meta.url)('./tasks.ts')

export default tasks.runTask
