import type { SimulatorStats } from '@/lib/server/engine/simulator'
import { projectRoot } from './child'
import { startStatsProcess, type StatsProcess } from './stats-process'

export type SimulatorProcess = StatsProcess<SimulatorStats> & { url: string }

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
  const { ready, ...process } = await startStatsProcess<SimulatorStats>(code)
  return { ...process, url: ready }
}
