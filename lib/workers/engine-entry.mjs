// The file the engine thread of lib/server/engine/thread.ts starts. Plain JavaScript outside the Next bundle, as
// entry.mjs is (see there): tsx's CommonJS hooks load the engine's TypeScript, and the thread runs with the
// react-server condition (given by its parent), as `npm run worker` does, so the engine's 'server-only' modules load.
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'
import { lowerThreadPriority } from './thread-priority.mjs'

register()
lowerThreadPriority()
const thread = createRequire(import.meta.url)('../server/engine/thread-main.ts')
await thread.runEngineThread()
