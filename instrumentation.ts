// Next runs register() once when the server starts: boot-time checks and background work.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  // Fail at boot with the full list of bad variables, not on the first request that reads one.
  await import('@/lib/server/env')
  const { startBackgroundWork } = await import('@/lib/server/background')
  startBackgroundWork()
}
