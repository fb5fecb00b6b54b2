import { GeistMono } from 'geist/font/mono'
import { GeistSans } from 'geist/font/sans'
import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { AppSidebar } from '@/components/layout/app-sidebar'
import { Providers } from '@/components/layout/providers'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Batchboard', template: '%s · Batchboard' },
  description: 'Run, watch and read OpenAI-style batch jobs.',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // next-themes sets the theme class before hydration, which React would otherwise flag.
    <html lang="en" suppressHydrationWarning className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="font-sans antialiased">
        <Providers>
          <div className="flex min-h-screen flex-col md:flex-row">
            <AppSidebar />
            <main className="min-w-0 flex-1 px-6 py-8 md:px-10">
              <div className="mx-auto max-w-6xl">{children}</div>
            </main>
          </div>
        </Providers>
      </body>
    </html>
  )
}
