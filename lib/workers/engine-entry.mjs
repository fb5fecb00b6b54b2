// The file the engine thread of lib/server/engine/thread.ts starts. Plain JavaScript outside the Next bundle, as
// entry.mjs is (see there): tsx is registered for both module systems, and the thread runs with the react-server
// condition (given by its parent), as `npm run worker` does, so the engine's 'server-only' modules load.
import { register as registerCommonJs } from 'tsx/cjs/api'
import { register as registerEsm } from 'tsx/esm/api'
import { lowerThreadPriority } from './thread-priority.mjs'

registerCommonJs()
registerEsm()
lowerThreadPriority()
// As CommonJS, the module's exports arrive as the namespace's default.
const thread = await import('../server/engine/thread-main.ts')
await (thread.runEngineThread ?? thread.default.runEngineThread)()
