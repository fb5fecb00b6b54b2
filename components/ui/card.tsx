import type { ComponentProps, ReactNode } from 'react'
import { cn } from './cn'

/** The card look, for an element that is not a Panel or Card (a list item, a table wrapper with its own role). */
export const PANEL = 'rounded-xl border border-border bg-surface'

/** The app's raised surface: a bordered, rounded box on the page background. */
export function Panel({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn(PANEL, className)} {...props} />
}

type CardProps = {
  title: string
  /** The heading's id, which names the section for screen readers. */
  id: string
  /** Shown at the heading's end: buttons, a count, a hint. */
  actions?: ReactNode
  description?: ReactNode
  /** Pads the body; off for a table or list that runs to the edges. */
  padded?: boolean
  className?: string
  children: ReactNode
}

/** A titled section of a page: heading row (with optional actions) above its body. */
export function Card({ title, id, actions, description, padded = true, className, children }: CardProps) {
  return (
    <section aria-labelledby={id} className={cn(PANEL, className)}>
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-border px-4 py-3">
        <div className="min-w-0">
          <h2 id={id} className="text-sm font-semibold">
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-xs text-muted">{description}</p> : null}
        </div>
        {actions}
      </div>
      {padded ? <div className="px-4 py-4">{children}</div> : children}
    </section>
  )
}
