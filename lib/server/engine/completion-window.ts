import 'server-only'

// OpenAI accepts only "24h". The engine also takes any "<n>s|m|h|d" from 10s to 30d (e.g. "1h", "72h", and
// "10s" for tests): an extension, so a client that sends "24h" sees OpenAI's behaviour exactly.
const WINDOW = /^([1-9]\d{0,6})(s|m|h|d)$/
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const
export const MIN_WINDOW_SECONDS = 10
export const MAX_WINDOW_SECONDS = 30 * 86_400

/** Seconds in a completion window, or null when the engine does not accept it. */
export function parseCompletionWindow(window: string): number | null {
  const match = WINDOW.exec(window)
  if (!match) return null
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
  return seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_WINDOW_SECONDS ? seconds : null
}
