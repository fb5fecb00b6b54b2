import { afterEach, describe, expect, it } from 'vitest'
import { StopController, type StopControllerOptions, type StopReason } from '@/lib/server/engine/stop-controller'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const controllers: StopController[] = []
function make(options: Partial<StopControllerOptions> = {}) {
  const controller = new StopController({ initial: null, shutdown: new AbortController().signal, probe: async () => null, watchMs: 60_000, ...options })
  controllers.push(controller)
  return controller
}
afterEach(() => controllers.splice(0).forEach((controller) => controller.dispose()))

describe('StopController', () => {
  it('runs until stopped; the first reason wins and everything listening is aborted', () => {
    const stops = make()
    expect(stops.reason).toBeNull()
    expect(stops.signal.aborted).toBe(false)
    stops.stop('cancel')
    stops.stop('shutdown')
    expect(stops.reason).toBe('cancel')
    expect(stops.signal.aborted).toBe(true)
  })

  it('starts stopped for a batch picked up while cancelling', () => {
    expect(make({ initial: 'cancel' })).toMatchObject({ reason: 'cancel', signal: { aborted: true } })
  })

  it('stops for a shutdown, already under way or later, until disposed', () => {
    const shutdown = new AbortController()
    shutdown.abort()
    expect(make({ shutdown: shutdown.signal }).reason).toBe('shutdown')

    const later = new AbortController()
    const stops = make({ shutdown: later.signal })
    later.abort()
    expect(stops.reason).toBe('shutdown')

    const after = new AbortController()
    const disposed = make({ shutdown: after.signal })
    disposed.dispose()
    after.abort()
    expect(disposed.reason).toBeNull()
  })

  it('watches the batch on its interval and stops for what the probe finds', async () => {
    let answer: StopReason | null = null
    let probes = 0
    const stops = make({
      watchMs: 10,
      probe: async () => {
        probes++
        return answer
      },
    })
    await sleep(50)
    expect(probes).toBeGreaterThan(0)
    expect(stops.reason).toBeNull()
    answer = 'expire'
    await sleep(50)
    expect(stops.reason).toBe('expire')
    const afterStop = probes
    await sleep(40)
    expect(probes).toBe(afterStop)
  })

  it('runs one probe at a time, and a failed probe does not stop the batch', async () => {
    let running = 0
    let maxRunning = 0
    let probes = 0
    const stops = make({
      probe: async () => {
        probes++
        running++
        maxRunning = Math.max(maxRunning, running)
        await sleep(20)
        running--
        throw new Error('database locked')
      },
    })
    stops.check()
    stops.check()
    stops.check()
    await sleep(50)
    expect(probes).toBe(1)
    expect(maxRunning).toBe(1)
    expect(stops.reason).toBeNull()
    stops.check()
    await sleep(50)
    expect(probes).toBe(2)
  })

  it('probes no more once the watch has ended', async () => {
    let probes = 0
    const stops = make({ watchMs: 10, probe: async () => (probes++, null) })
    stops.endWatch()
    await sleep(50)
    expect(probes).toBe(0)
  })
})
