import { GeistMono } from 'geist/font/mono'
import { GeistSans } from 'geist/font/sans'
import type { Metadata } from 'next'
import { headers } from 'next/headers'
import { redirect } from 'next/navigation'
import type { ReactNode } from 'react'
import { AppSidebar } from '@/components/layout/app-sidebar'
import { AuthOffBanner } from '@/components/layout/auth-off-banner'
import { Providers } from '@/components/layout/providers'
import { isAuthPage, LOGIN_PATH, PAGE_PATH_HEADER, SETUP_PATH } from '@/lib/auth'
import { getPageAccess } from '@/lib/server/auth'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Batchboard', template: '%s · Batchboard' },
  description: 'Run, watch and read OpenAI-style batch jobs.',
}

/**
 * The real page check (proxy.ts only looks for the cookie): no valid session, no page. The login and setup
 * pages get the bare shell; they redirect on their own once they are not needed.
 */
async function AppShell({ children }: { children: ReactNode }) {
  const path = (await headers()).get(PAGE_PATH_HEADER)
  if (path !== null && isAuthPage(path)) return <>{children}</>
  const access = await getPageAccess()
  if (access === 'setup-needed') redirect(SETUP_PATH)
  if (access === 'signed-out') redirect(path && path !== '/' ? `${LOGIN_PATH}?next=${encodeURIComponent(path)}` : LOGIN_PATH)
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <AppSidebar canLogOut={access === 'signed-in'} />
      <main className="min-w-0 flex-1 px-6 py-8 md:px-10">
        <div className="mx-auto max-w-6xl">
          {access === 'auth-off' ? <AuthOffBanner /> : null}
          {children}
        </div>
      </main>
    </div>
  )
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // next-themes sets the theme class before hydration, which React would otherwise flag.
    <html lang="en" suppressHydrationWarning className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="font-sans antialiased">
        <Providers>
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  )
}
