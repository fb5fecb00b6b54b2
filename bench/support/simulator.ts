import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { SimulatorStats } from '@/lib/server/engine/simulator'
import { projectRoot } from './child'

export type SimulatorProcess = { url: string; pid: number; stats(): Promise<SimulatorStats>; stop(): void }

/**
 * The simulator in a process of its own, so its CPU is not billed to what is measured. A line "stats" on its stdin
 * makes it print its counters (requests, peak in flight) as JSON.
 */
export async function startSimulatorProcess(latencyMs: number): Promise<SimulatorProcess> {
  // tsx may hand an eval'd import() the module as CommonJS (exports under default).
  const code = `import('${projectRoot}/lib/server/engine/simulator.ts').then(async (m) => {
    const s = await (m.startSimulator ?? m.default.startSimulator)({ latencyMs: ${latencyMs} })
    console.log(s.url)
    require('node:readline').createInterface({ input: process.stdin }).on('line', () => console.log(JSON.stringify(s.stats)))
  })`
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      child.once('exit', (exitCode) => reject(new Error(`simulator exited with ${exitCode}`)))
    })
  const url = await next()
  return {
    url,
    pid: child.pid!,
    async stats() {
      const answer = next()
      child.stdin!.write('stats\n')
      return JSON.parse(await answer) as SimulatorStats
    },
    stop: () => child.kill(),
  }
}
