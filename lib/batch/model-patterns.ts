// Model name patterns, shared by the engine's upstream routing and the price table: exact names or globs (* and ?).

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${escaped}$`)
}

export const isModelPattern = (pattern: string) => /[*?]/.test(pattern)

/** How well a pattern fits a model: an exact name beats any glob, a longer glob beats a shorter one; -1 is no match. */
export function matchScore(pattern: string, model: string): number {
  if (pattern === model) return Number.MAX_SAFE_INTEGER
  if (!isModelPattern(pattern)) return -1
  return globToRegExp(pattern).test(model) ? pattern.replace(/[*?]/g, '').length : -1
}
