import Link from 'next/link'
import type { ComponentProps } from 'react'
import { Button } from './button'

/** A link that looks like a button: for actions that go somewhere rather than do something. */
export function ButtonLink({
  href,
  variant,
  size,
  className,
  children,
}: Pick<ComponentProps<typeof Button>, 'variant' | 'size' | 'className' | 'children'> & { href: string }) {
  return (
    <Button asChild variant={variant} size={size} className={className}>
      <Link href={href}>{children}</Link>
    </Button>
  )
}
