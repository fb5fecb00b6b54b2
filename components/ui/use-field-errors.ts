'use client'

import { useState, type ChangeEvent } from 'react'
import type { z } from 'zod'
import { ActionError } from '@/lib/queries/actions'

/** The first message per field of a zod parse, for the fields a form shows (others are ignored). */
export function zodFieldErrors<F extends string>(schema: z.ZodType, input: unknown, fields: readonly F[]): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {}
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as F
      if (fields.includes(field)) errors[field] ??= issue.message
    }
  }
  return errors
}

/**
 * When a form's field errors show: from a field's first keystroke (or leaving it), on every field once the form
 * was submitted, and a server refusal on the field its `param` names (or above the buttons when it names none).
 */
export function useFieldErrors<F extends string>(fields: readonly F[], errors: Partial<Record<F, string>>) {
  const [touched, setTouched] = useState<Partial<Record<F, boolean>>>({})
  const [submitted, setSubmitted] = useState(false)
  const [refusal, setRefusal] = useState<{ field: F | null; message: string } | null>(null)

  const fieldOf = (param: string | undefined): F | null => {
    const field = param?.split('.')[0] as F | undefined
    return field && fields.includes(field) ? field : null
  }
  return {
    shown: (field: F): string | null => (refusal?.field === field ? refusal.message : submitted || touched[field] ? (errors[field] ?? null) : null),
    touch: (field: F) => setTouched((current) => ({ ...current, [field]: true })),
    /** A change clears the server's refusal: it was about the values as they were. */
    changed: (field?: F) => {
      if (field) setTouched((current) => ({ ...current, [field]: true }))
      setRefusal(null)
    },
    /** Marks the form submitted; true when nothing stands in the way of sending it. */
    submit: () => {
      setSubmitted(true)
      return Object.keys(errors).length === 0
    },
    refuse: (error: unknown) =>
      setRefusal(
        error instanceof ActionError
          ? { field: fieldOf(error.detail.param), message: error.detail.message }
          : { field: null, message: 'The server could not be reached. Check that Batchboard is still running, then retry.' },
      ),
    general: refusal && refusal.field === null ? refusal.message : null,
  }
}

/**
 * A form's values with their errors: `update` merges a change and clears a refusal (marking `field` touched), `touch`
 * makes a blur handler. Errors are derived from the values on every render, never stored.
 */
export function useValidatedForm<S, F extends string>(initial: () => S, fields: readonly F[], validate: (form: S) => Partial<Record<F, string>>) {
  const [form, setForm] = useState(initial)
  const errors = useFieldErrors(fields, validate(form))
  const update = (change: Partial<S>, field?: F) => {
    setForm((current) => ({ ...current, ...change }))
    errors.changed(field)
  }
  return {
    form,
    fields: errors,
    update,
    touch: (field: F) => () => errors.touch(field),
    /** A text field's value, handlers and shown error, for a field whose form key is also its error key. */
    bind: <K extends F & keyof S>(field: K) => ({
      value: form[field] as string,
      onChange: (event: ChangeEvent<HTMLInputElement>) => update({ [field]: event.target.value } as Partial<S>, field),
      onBlur: () => errors.touch(field),
      error: errors.shown(field),
    }),
  }
}
