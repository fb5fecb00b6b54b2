import type { FakeOpenAIStats } from '@/tests/support/fake-openai'
import { projectRoot } from './child'
import { startStatsProcess, type StatsProcess } from './stats-process'

/** `cpuMs`: the provider process's own CPU time so far (user + system). */
export type FakeOpenAIProcess = StatsProcess<FakeOpenAIStats & { cpuMs: number }> & { baseURL: string; apiKey: string }

/**
 * The fake OpenAI Batch API (tests/support/fake-openai.ts) in a process of its own, so its CPU is neither the server's
 * nor the load generator's. `runMs[i]` is how long the i-th batch created runs (the last value for any later one). A
 * line "stats" on its stdin makes it print its counters as JSON.
 */
export async function startFakeOpenAIProcess(runMs: number[]): Promise<FakeOpenAIProcess> {
  // tsx may hand an eval'd import() the module as CommonJS (exports under default).
  const code = `import('${projectRoot}/tests/support/fake-openai.ts').then(async (m) => {
    const runMs = ${JSON.stringify(runMs)}
    const fake = await (m.startFakeOpenAI ?? m.default.startFakeOpenAI)({ runMs: (index) => runMs[Math.min(index, runMs.length - 1)] })
    console.log(JSON.stringify({ baseURL: fake.baseURL, apiKey: fake.apiKey }))
    require('node:readline').createInterface({ input: process.stdin }).on('line', () => console.log(JSON.stringify({ ...fake.stats(), cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000) })))
  })`
  const { ready, ...process } = await startStatsProcess<FakeOpenAIStats & { cpuMs: number }>(code)
  return { ...process, ...(JSON.parse(ready) as { baseURL: string; apiKey: string }) }
}
