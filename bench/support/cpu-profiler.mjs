// A CPU profiler to preload (`--import`) where `--cpu-prof` cannot go (Node refuses it in NODE_OPTIONS), e.g. the soak's server:
//   CPU_PROFILE_DIR=/tmp/prof SOAK_SERVER_NODE_OPTIONS='--import /abs/path/bench/support/cpu-profiler.mjs' npm run soak
// It profiles the main thread of each process that loads it (1 ms sampling) and writes <CPU_PROFILE_DIR>/<pid>.cpuprofile
// when the process exits; open it in Chrome DevTools or read it with bench/support/cpu-profile-share.ts.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import path from 'node:path'
import { isMainThread } from 'node:worker_threads'

const dir = process.env.CPU_PROFILE_DIR
if (dir && isMainThread) {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 1000 })
  session.post('Profiler.start')
  // An in-process session answers synchronously, so the profile is written before the process is gone.
  process.once('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    }),
  )
}
