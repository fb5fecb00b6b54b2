'use client'

import { Layers3 } from 'lucide-react'
import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { cn } from '@/components/ui/cn'
import { LogoutButton } from './logout-button'
import { activeNavHref, NAV_ITEMS } from './nav-items'
import { ThemeToggle } from './theme-toggle'

/** `canLogOut` is false while BATCHBOARD_AUTH=off: there is no session to end. */
export function AppSidebar({ canLogOut }: { canLogOut: boolean }) {
  const active = activeNavHref(usePathname())
  return (
    <aside className="flex w-full shrink-0 flex-col border-b border-border bg-surface md:sticky md:top-0 md:h-screen md:w-60 md:border-r md:border-b-0">
      <Link href="/" className="flex items-center gap-2 px-5 py-4 text-base font-semibold tracking-tight">
        <span className="flex size-7 items-center justify-center rounded-md bg-accent text-accent-foreground">
          <Layers3 aria-hidden className="size-4" />
        </span>
        Batchboard
      </Link>
      {/* On a phone the links wrap into rows: a row that scrolls sideways hid half of them with nothing to say so. */}
      <nav aria-label="Main" className="flex flex-wrap gap-1 px-3 pb-3 md:flex-1 md:flex-col md:flex-nowrap md:pb-0">
        {NAV_ITEMS.map(({ href, label, icon: Icon }) => (
          <Link
            key={href}
            href={href}
            aria-current={active === href ? 'page' : undefined}
            className={cn(
              'flex shrink-0 items-center gap-2 rounded-md px-2 py-1.5 text-sm text-muted transition-colors hover:bg-subtle hover:text-foreground md:gap-2.5 md:px-2.5 md:py-2',
              active === href && 'bg-subtle font-medium text-foreground',
            )}
          >
            <Icon aria-hidden className="size-4" />
            {label}
          </Link>
        ))}
      </nav>
      <div className="flex items-center gap-1 px-3 pb-3 md:block md:space-y-1 md:p-3">
        {canLogOut ? <LogoutButton /> : null}
        <div className="hidden md:block">
          <ThemeToggle />
        </div>
      </div>
    </aside>
  )
}
