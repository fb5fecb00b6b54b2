import { execFile } from 'node:child_process'
import path from 'node:path'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Runs a TypeScript file in a fresh Node process (tsx loaded in-process, so the measured process is the
 * script itself, not a wrapper) and returns the JSON object on its last line of output.
 */
export function runScript<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, script), ...args],
      { cwd: projectRoot, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} ${args.join(' ')} failed: ${stderr.trim() || error.message}`))
          return
        }
        const last = stdout.trim().split('\n').at(-1) ?? ''
        try {
          resolve(JSON.parse(last) as T)
        } catch {
          reject(new Error(`${script} printed no result: ${stdout.slice(-500)}`))
        }
      },
    )
  })
}
