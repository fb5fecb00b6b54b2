// How Batchboard's simulator marks what it answers (README: "The simulator"), so an answer can be recognised
// wherever its lines end up: in the engine's own output, or in the output file of another Batchboard reached
// through an `openai` connection.

export const SIMULATOR_FINGERPRINT = 'batchboard-simulator'
export const SIMULATED_HEADER = 'x-batchboard-simulated'

/** Whether a response body (a result line's `response.body`) was made up by the simulator. */
export function isSimulatedBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false
  const record = body as Record<string, unknown>
  return record.simulated === true || record.system_fingerprint === SIMULATOR_FINGERPRINT
}
