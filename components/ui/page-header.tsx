import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { ButtonLink } from './button-link'

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-end justify-between gap-4 border-b border-border pb-5">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </header>
  )
}

/** A place the page's header links to, shown as a secondary button. */
export type PageLink = { href: string; icon: LucideIcon; label: string }

/** A list page: its header (title, description, links elsewhere) over its content. */
export function Page({ title, description, links = [], children }: { title: string; description?: string; links?: PageLink[]; children: ReactNode }) {
  return (
    <div className="space-y-6">
      <PageHeader
        title={title}
        description={description}
        actions={
          links.length > 0
            ? links.map(({ href, icon: Icon, label }) => (
                <ButtonLink key={href} href={href} variant="secondary">
                  <Icon aria-hidden className="size-4" />
                  {label}
                </ButtonLink>
              ))
            : undefined
        }
      />
      {children}
    </div>
  )
}
