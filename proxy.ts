import { NextResponse, type NextRequest } from 'next/server'
import { isAuthPage, LOGIN_PATH, PAGE_PATH_HEADER, SESSION_COOKIE } from '@/lib/auth'

/**
 * The cheap half of the page check: a page request without a session cookie goes to the login page at once.
 * Whether the cookie is valid is checked by the root layout (lib/server/auth), route handlers and actions;
 * this file only reads the request, so it stays free of the database.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl
  const authOff = process.env.BATCHBOARD_AUTH === 'off'
  // Only page loads: a server action (a POST) answers "log in again" itself, in the one error shape.
  // GET /metrics is a route handler (app/metrics) that checks its scraper's credentials itself.
  const isPageLoad = (request.method === 'GET' || request.method === 'HEAD') && pathname !== '/metrics'
  if (!authOff && isPageLoad && !isAuthPage(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    const login = new URL(LOGIN_PATH, request.url)
    if (pathname !== '/' || search) login.searchParams.set('next', `${pathname}${search}`)
    return NextResponse.redirect(login)
  }
  // Always overwritten, so a client cannot claim to be on the login page to get the bare layout.
  const headers = new Headers(request.headers)
  headers.set(PAGE_PATH_HEADER, pathname)
  return NextResponse.next({ request: { headers } })
}

export const config = {
  // Pages only: /api and /v1 authenticate in their route wrappers; Next's assets and the icon are public.
  matcher: ['/((?!api/|v1/|_next/static/|_next/image|favicon.ico|icon.svg).*)'],
}
