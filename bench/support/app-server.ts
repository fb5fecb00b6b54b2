import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { procStatusBytes } from './memory'
import { commandLine, descendantsOf } from './procs'

export type AppServer = {
  baseUrl: string
  /** The `next start` process that serves requests (a descendant of the start script). */
  serverPid: number
  /** The RSS of every process `npm start` runs (launcher, `next start`, their children), in bytes. */
  treeRss(): number
  /** The same processes one by one: the command's first words and its RSS in bytes. */
  treeProcesses(): { pid: number; command: string; rss: number }[]
  stop(): Promise<void>
  /** The last 8,000 characters the start script and the server printed (their log at LOG_LEVEL). */
  outputTail(): string
}

/**
 * Starts the app the way a user does (`npm start`: lib/cli/start.sh runs lib/cli/start.ts, which migrates, checks the build, then
 * `next start`) on a data dir of its own, and waits until /api/health answers.
 */
export async function startAppServer({
  projectRoot,
  port,
  dataDir,
  env = {},
}: {
  projectRoot: string
  port: number
  dataDir: string
  /** Extra server environment. Auth is off unless this turns it on: benches measure the work, not the login. */
  env?: Record<string, string>
}): Promise<AppServer> {
  const baseUrl = `http://127.0.0.1:${port}`
  const answering = await fetch(`${baseUrl}/api/health`).then(
    () => true,
    () => false,
  )
  if (answering) throw new Error(`something already answers on ${baseUrl}; stop it or pick another port`)

  const child = spawn('npm', ['start', '--silent'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      BATCHBOARD_AUTH: 'off',
      ...env,
    },
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited = false
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  void exit.then(() => {
    exited = true
  })

  // SIGTERM to the server (which start.sh became) as a service manager would send it; npm exits once the server has.
  // Whatever of the tree is still there after 10 s is killed by its pid.
  const stop = async () => {
    if (child.pid === undefined || exited) return
    const tree = [child.pid, ...descendantsOf(child.pid)].map((pid) => ({ pid, command: commandLine(pid) }))
    for (const { pid, command } of tree) if (/next-server|\bnext\b.*\bstart\b/.test(command)) process.kill(pid, 'SIGTERM')
    child.kill('SIGTERM')
    const timer = new AbortController()
    await Promise.race([exit, sleep(10_000, undefined, { signal: timer.signal }).catch(() => {})])
    timer.abort()
    for (const { pid, command } of tree) {
      if (command === '' || commandLine(pid) !== command) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone in the meantime
      }
    }
  }

  try {
    const deadline = Date.now() + 180_000
    for (;;) {
      if (exited) throw new Error(`the app exited before answering:\n${output}`)
      const healthy = await fetch(`${baseUrl}/api/health`).then(
        (response) => response.ok,
        () => false,
      )
      if (healthy) break
      if (Date.now() > deadline) throw new Error(`the app did not answer /api/health within 180 s:\n${output}`)
      await sleep(250)
    }
    const serverPid = descendantsOf(child.pid ?? -1)
      .filter((pid) => /\bnext\b.*\bstart\b|next-server/.test(commandLine(pid)))
      .sort((a, b) => (procStatusBytes(b, 'VmRSS') ?? 0) - (procStatusBytes(a, 'VmRSS') ?? 0))[0]
    if (serverPid === undefined) throw new Error(`found no \`next start\` process under the start script (pid ${child.pid})`)
    const root = child.pid ?? -1
    const treeProcesses = () =>
      [root, ...descendantsOf(root)].map((pid) => ({
        pid,
        command: commandLine(pid).split(' ').slice(0, 3).join(' '),
        rss: procStatusBytes(pid, 'VmRSS') ?? 0,
      }))
    const treeRss = () => treeProcesses().reduce((sum, process) => sum + process.rss, 0)
    return { baseUrl, serverPid, treeRss, treeProcesses, stop, outputTail: () => output }
  } catch (error) {
    await stop()
    throw error
  }
}
