import { Slot } from '@radix-ui/react-slot'
import type { ComponentProps } from 'react'
import { cn } from './cn'

const variants = {
  primary: 'bg-accent text-accent-foreground hover:opacity-90',
  secondary: 'border border-border bg-surface text-foreground hover:bg-subtle',
  ghost: 'text-foreground hover:bg-subtle',
  // accent-foreground is the page's contrast colour for a saturated fill in both themes.
  danger: 'bg-danger text-accent-foreground hover:opacity-90',
} as const

const sizes = {
  md: 'h-9 px-3.5',
  sm: 'h-8 px-2.5 text-xs',
  icon: 'size-8 px-0',
} as const

type ButtonProps = ComponentProps<'button'> & {
  variant?: keyof typeof variants
  size?: keyof typeof sizes
  /** Render the child (e.g. a Link) with button styling. */
  asChild?: boolean
}

export function Button({ variant = 'primary', size = 'md', asChild, className, ...props }: ButtonProps) {
  const Component = asChild ? Slot : 'button'
  return (
    <Component
      className={cn(
        'inline-flex items-center justify-center gap-2 rounded-md text-sm font-medium whitespace-nowrap transition-colors',
        'focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-offset-2 focus-visible:ring-offset-background focus-visible:outline-none',
        'disabled:pointer-events-none disabled:opacity-50',
        sizes[size],
        variants[variant],
        className,
      )}
      {...props}
    />
  )
}
