import type { ErrorDetail } from '@/lib/errors'

/**
 * A session that ends while a page is open (expiry, logout in another tab) makes the next read or action
 * answer 401 "unauthenticated": send the browser to the login page, back to this page afterwards.
 */
export function leaveIfSessionEnded(detail: ErrorDetail) {
  if (detail.code !== 'unauthenticated' || typeof window === 'undefined') return
  const here = `${window.location.pathname}${window.location.search}`
  // A full load, not a client navigation: the root layout must render again to show the login page.
  window.location.assign(new URL(`/login?next=${encodeURIComponent(here)}`, window.location.origin))
}
