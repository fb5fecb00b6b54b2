import { cn } from './cn'

/** Determinate when `value` (0–1) is known; pulses while it is not (e.g. while the server checks a file). */
export function ProgressBar({ value, label, className }: { value: number | null; label: string; className?: string }) {
  const percent = value === null ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100)
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-subtle', className)}
    >
      <div
        className={cn('h-full rounded-full bg-accent transition-[width] duration-200 ease-out', percent === undefined && 'w-full animate-pulse opacity-60')}
        style={percent === undefined ? undefined : { width: `${percent}%` }}
      />
    </div>
  )
}
