import 'server-only'

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${escaped}$`)
}

/** How well a pattern fits a model: an exact name beats any glob, a longer glob beats a shorter one; -1 is no match. */
export function matchScore(pattern: string, model: string): number {
  if (pattern === model) return Number.MAX_SAFE_INTEGER
  if (!/[*?]/.test(pattern)) return -1
  return globToRegExp(pattern).test(model) ? pattern.replace(/[*?]/g, '').length : -1
}
