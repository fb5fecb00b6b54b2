import 'server-only'
import type { ProviderLineError } from '@/lib/providers/openai-line'

/**
 * A file with lines that do not translate for a provider: nothing was sent. It carries status 400 (the file must
 * change), so the remote lifecycle neither retries it nor blames the provider, and its message names the first line.
 */
export class LineErrorsRefused extends Error {
  readonly status = 400
  constructor(
    readonly errors: ProviderLineError[],
    readonly errorCount: number,
  ) {
    const first = errors[0]
    const where = first?.line ? `line ${first.line}${first.param ? ` (${first.param})` : ''}: ` : ''
    const more = errorCount > 1 ? ` ${errorCount - 1} more ${errorCount === 2 ? 'line does' : 'lines do'} not translate either.` : ''
    super(`${where}${first?.message ?? 'the file does not translate.'}${more}`)
    this.name = 'LineErrorsRefused'
  }
}
