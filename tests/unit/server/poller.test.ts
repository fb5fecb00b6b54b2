import { afterEach, describe, expect, it } from 'vitest'
import { startPoller, type Poller } from '@/lib/server/poller'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A tick that waits until the test releases it, recording overlap. */
function gatedTicks() {
  let release: () => void = () => {}
  const state = { started: 0, finished: 0, running: 0, maxRunning: 0 }
  return {
    state,
    release: () => release(),
    tick: async () => {
      state.started++
      state.running++
      state.maxRunning = Math.max(state.maxRunning, state.running)
      await new Promise<void>((resolve) => (release = resolve))
      state.running--
      state.finished++
    },
  }
}

const pollers: Poller[] = []
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()))
})

describe('startPoller', () => {
  it('ticks at once, and coalesces wakes during a tick into one more tick, never overlapping', async () => {
    const gate = gatedTicks()
    const poller = startPoller({ intervalMs: 60_000, tick: gate.tick, onError: () => {} })
    pollers.push(poller)
    expect(gate.state.started).toBe(1)
    poller.wake()
    poller.wake()
    poller.wake()
    gate.release()
    await sleep(10)
    expect(gate.state.started).toBe(2)
    gate.release()
    await sleep(10)
    expect(gate.state).toMatchObject({ started: 2, finished: 2, maxRunning: 1 })
  })

  it('ticks on its interval without wakes', async () => {
    let ticks = 0
    const poller = startPoller({ intervalMs: 20, tick: async () => void ticks++, onError: () => {} })
    pollers.push(poller)
    await sleep(150)
    expect(ticks).toBeGreaterThanOrEqual(3)
  })

  it('reports a failed tick and carries on', async () => {
    const errors: unknown[] = []
    let ticks = 0
    const poller = startPoller({
      intervalMs: 60_000,
      tick: async () => {
        ticks++
        if (ticks === 1) throw new Error('database busy')
      },
      onError: (error) => errors.push(error),
    })
    pollers.push(poller)
    await sleep(10)
    poller.wake()
    await sleep(10)
    expect(ticks).toBe(2)
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toContain('database busy')
  })

  it('stop() waits for the running tick, aborts its signal, and nothing ticks after', async () => {
    const gate = gatedTicks()
    let signal: AbortSignal | null = null
    const poller = startPoller({
      intervalMs: 10,
      tick: (tickSignal) => {
        signal = tickSignal
        return gate.tick()
      },
      onError: () => {},
    })
    poller.wake()
    let stopped = false
    const stopping = poller.stop().then(() => (stopped = true))
    expect(poller.stopped).toBe(true)
    expect(signal!.aborted).toBe(true)
    await sleep(20)
    expect(stopped).toBe(false)
    gate.release()
    await stopping
    expect(gate.state.finished).toBe(1)
    poller.wake()
    await sleep(30)
    expect(gate.state.started).toBe(1)
  })
})
