import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'

/** What a page shows when it has nothing yet: say what this place is for and what to do next. */
export function EmptyState({ icon: Icon, title, children, action }: { icon: LucideIcon; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-col items-center rounded-xl border border-dashed border-border bg-surface px-6 py-14 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-subtle text-muted">
        <Icon aria-hidden className="size-6" />
      </div>
      <h2 className="mt-4 text-base font-semibold">{title}</h2>
      <div className="mt-1.5 max-w-md text-sm text-muted">{children}</div>
      {action ? <div className="mt-5">{action}</div> : null}
    </section>
  )
}
