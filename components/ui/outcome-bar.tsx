import type { ReactNode } from 'react'
import { cn } from './cn'

type OutcomeBarProps = {
  /** The progressbar's name, e.g. "Batch progress". */
  name: string
  /** What it says in words: read by screen readers and shown on hover. */
  label: string
  total: number
  /** How many of the total are done (aria-valuenow). */
  done: number
  /** Shares of the whole, 0 to 1. */
  succeeded: number
  failed: number
  size?: 'sm' | 'md'
  /** Still working with nothing to show for it yet: the bar pulses. */
  busy?: boolean
  className?: string
  /** Drawn over the bar (a batch's finalizing stripes). */
  children?: ReactNode
  'data-phase'?: string
}

/** Successes in green, failures in red, the rest grey: the one progress bar of batches and jobs. */
export function OutcomeBar({ name, label, total, done, succeeded, failed, size = 'md', busy = false, className, children, ...data }: OutcomeBarProps) {
  return (
    <div
      role="progressbar"
      aria-label={name}
      aria-valuetext={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      title={label}
      {...data}
      className={cn('relative flex w-full overflow-hidden rounded-full bg-subtle', size === 'sm' ? 'h-1.5' : 'h-2.5', busy && 'animate-pulse', className)}
    >
      <div className="h-full bg-success transition-[width] duration-300" style={{ width: `${succeeded * 100}%` }} />
      <div className="h-full bg-danger transition-[width] duration-300" style={{ width: `${failed * 100}%` }} />
      {children}
    </div>
  )
}
