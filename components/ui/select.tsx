import type { ComponentProps } from 'react'
import { cn } from './cn'

/** A native select in the app's style (native keeps keyboard, screen-reader and mobile pickers for free). */
export function Select({ className, ...props }: ComponentProps<'select'>) {
  return (
    <select
      className={cn(
        'h-9 rounded-md border border-border bg-surface px-2.5 text-sm text-foreground',
        'focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none disabled:opacity-60',
        className,
      )}
      {...props}
    />
  )
}
