import { cn } from './cn'

const TONES = {
  success: 'bg-success/12 text-success ring-success/30',
  warning: 'bg-warning/15 text-warning ring-warning/35',
  danger: 'bg-danger/12 text-danger ring-danger/30',
  active: 'bg-accent/12 text-accent ring-accent/30',
  neutral: 'bg-subtle text-muted ring-border',
} as const

/** A batch's or a job's outcome as a coloured pill: the tone says how it went, the label says what. */
export function OutcomeBadge({ outcome }: { outcome: { tone: keyof typeof TONES; label: string } }) {
  return (
    <span
      data-tone={outcome.tone}
      className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONES[outcome.tone])}
    >
      {outcome.label}
    </span>
  )
}
