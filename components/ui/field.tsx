import type { ReactNode } from 'react'
import { cn } from './cn'

/** What a field's control needs to be labelled and described: spread it onto the input, select or textarea. */
export type FieldControlProps = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }

type FieldProps = {
  id: string
  label: ReactNode
  hint?: ReactNode
  /** Shown under the control and announced with it. */
  error?: string | null
  /** Beside the label, e.g. "12 / 512" characters used. */
  counter?: ReactNode
  className?: string
  children: (control: FieldControlProps) => ReactNode
}

/** A label, a control, its error and its hint, wired for screen readers. */
export function Field({ id, label, hint, error, counter, className, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ')
  return (
    <div className={cn('space-y-1.5', className)}>
      <div className="flex items-baseline justify-between gap-3">
        <label htmlFor={id} className="block text-sm font-medium">
          {label}
        </label>
        {counter ? <span className={cn('text-xs tabular-nums', error ? 'text-danger' : 'text-muted')}>{counter}</span> : null}
      </div>
      {children({ id, ...(error ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error ? (
        <p id={errorId} className="text-xs text-danger">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  )
}
