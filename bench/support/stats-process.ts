import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { projectRoot } from './child'

export type StatsProcess<Stats> = { pid: number; stats(): Promise<Stats>; stop(): void }

/**
 * Runs `code` (TypeScript through tsx) in a process of its own, so its CPU is not billed to what is measured. The
 * code prints one line when ready (returned as `ready`) and answers each line on its stdin with one line of JSON
 * counters (`stats()`).
 */
export async function startStatsProcess<Stats>(code: string): Promise<StatsProcess<Stats> & { ready: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      child.once('exit', (exitCode) => reject(new Error(`the process running ${code.slice(0, 80)}… exited with ${exitCode}`)))
    })
  const ready = await next()
  return {
    ready,
    pid: child.pid!,
    async stats() {
      const answer = next()
      child.stdin!.write('stats\n')
      return JSON.parse(await answer) as Stats
    },
    stop: () => child.kill(),
  }
}
