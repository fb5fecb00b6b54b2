// Names shared by proxy.ts, the root layout, the auth pages and the server: no server-only imports here.

/** The session cookie: an opaque random token; the server keeps only its sha256. */
export const SESSION_COOKIE = 'batchboard_session'

/**
 * The path of the page being rendered, set by proxy.ts on every page request (overwriting anything a client
 * sent), because a layout is not told its path.
 */
export const PAGE_PATH_HEADER = 'x-batchboard-page'

export const LOGIN_PATH = '/login'
export const SETUP_PATH = '/setup'

/** Pages anyone may open: the login form and the first-run setup form. */
export const isAuthPage = (pathname: string) => pathname === LOGIN_PATH || pathname === SETUP_PATH

/**
 * Where to go after logging in: only a path on this site, so a crafted `?next=https://evil.example` link
 * cannot turn the login form into a redirect to somewhere else.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || isAuthPage(next.split('?')[0]!)) return '/'
  return next
}
