import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'

/** Every response the page receives from now on, as "url\nbody", for specs that prove a secret never reaches the browser. */
export function recordResponses(page: Page): string[] {
  const answers: string[] = []
  page.on(
    'response',
    (response) =>
      void response.text().then(
        (text) => answers.push(`${response.url()}\n${text}`),
        () => {},
      ),
  )
  return answers
}

/** Every file under `dir` that holds one of the secrets (bytes, so binary files count too). */
export function filesHolding(dir: string, secrets: string[], skip: (file: string) => boolean = () => false): string[] {
  const found: string[] = []
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile() && !skip(full)) {
        const bytes = readFileSync(full)
        if (secrets.some((secret) => bytes.includes(secret))) found.push(full)
      }
    }
  }
  if (existsSync(dir)) walk(dir)
  return found
}
