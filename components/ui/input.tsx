import type { ComponentProps, ReactNode } from 'react'
import { cn } from './cn'
import { Field } from './field'

/** A text input in the app's style; `aria-invalid` turns its border red. */
export function Input({ className, ...props }: ComponentProps<'input'>) {
  return (
    <input
      className={cn(
        'h-9 w-full min-w-0 rounded-md border border-border bg-background px-3 text-sm text-foreground placeholder:text-muted/70',
        'focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none',
        'disabled:opacity-60 aria-invalid:border-danger aria-invalid:focus-visible:ring-danger/30',
        className,
      )}
      {...props}
    />
  )
}

type TextFieldProps = Omit<ComponentProps<'input'>, 'id'> & {
  id: string
  label: string
  hint?: ReactNode
  /** Shown under the field and announced with it. */
  error?: string | null
}

/** A labelled input with its hint and its error, wired for screen readers. */
export function TextField({ id, label, hint, error, className, ...props }: TextFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {(control) => <Input {...control} {...props} />}
    </Field>
  )
}

type StoredSecretFieldProps = Omit<TextFieldProps, 'type' | 'autoComplete' | 'disabled'> & {
  /** Whether a value is stored: only then is there something to remove. */
  hasStored: boolean
  removing: boolean
  onRemovingChange: (removing: boolean) => void
  removeLabel: string
}

/**
 * A write-only secret (an API key, a signing secret): typing replaces the stored value, empty keeps it, and a box
 * removes it. The stored value itself never reaches the browser, only how it is shown.
 */
export function StoredSecretField({ hasStored, removing, onRemovingChange, removeLabel, ...field }: StoredSecretFieldProps) {
  return (
    <div className="space-y-1.5">
      <TextField type="password" autoComplete="new-password" disabled={removing} {...field} />
      {hasStored ? (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={removing} onChange={(event) => onRemovingChange(event.target.checked)} className="size-4 accent-[var(--accent)]" />
          {removeLabel}
        </label>
      ) : null}
    </div>
  )
}
