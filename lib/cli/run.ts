import { spawn, type SpawnOptions } from 'node:child_process'
import path from 'node:path'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/** A binary from node_modules/.bin, so the CLI never depends on npx or the user's PATH. */
export const bin = (name: string) => path.join(projectRoot, 'node_modules', '.bin', name)

/** Runs a command with inherited output; resolves with its exit code (never rejects on failure). */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: 'inherit', ...options })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

export const log = (message: string) => console.log(`\x1b[2m[batchboard]\x1b[0m ${message}`)
