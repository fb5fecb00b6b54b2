// A server process for the multi-node tests (tests/integration/multi-node/*): the app's route handlers over real HTTP
// (tests/support/v1-server.ts) and the background work `npm start` runs (engine, sync, jobs: lib/server/background.ts),
// on the DATABASE_URL and DATA_DIR it is given. Prints "listening <origin>" once it answers.
import { startBackgroundWork } from '@/lib/server/background'
import { startV1Server } from './v1-server'

async function main() {
  const server = await startV1Server()
  startBackgroundWork()
  console.log(`listening ${new URL(server.baseURL).origin}`)
  // The engine's and the sync's timers are unref'd; this keeps the process alive until it is killed.
  setInterval(() => {}, 1 << 30)
}

void main()
