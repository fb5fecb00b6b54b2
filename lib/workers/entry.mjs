// The file each worker thread of lib/server/workers/pool.ts starts. Plain JavaScript outside the Next bundle, so
// the same file runs under `next start`, `npm run worker` (tsx) and vitest. The tasks are TypeScript, which tsx (a
// runtime dependency, which also resolves the '@/' paths of tsconfig.json) compiles as they are required: the package
// is not "type": "module", so the .ts files load as CommonJS, and tsx's CommonJS hooks are all they need. Its ESM hooks
// (`module.register`) would run in a loader thread of their own: about 30 MB more RSS for each worker thread
// (decision 062). Packages the tasks import() (the tokenizer's encodings) are plain JavaScript Node loads itself.
import { createRequire } from 'node:module'
import { move } from 'piscina'
import { register } from 'tsx/cjs/api'
import { lowerThreadPriority } from './thread-priority.mjs'

register()
lowerThreadPriority()
const tasks = createRequire(import.meta.url)('./tasks.ts')

/** Bytes a task returns (an export's page) are moved to the request thread, not copied: only when they own their
 *  whole buffer, since a Buffer from Node's pool shares its memory with others. */
export default async function run(task) {
  const result = await tasks.runTask(task)
  return result instanceof Uint8Array && result.byteOffset === 0 && result.byteLength === result.buffer.byteLength ? move(result) : result
}
