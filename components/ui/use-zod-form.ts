'use client'

import { toNestErrors } from '@hookform/resolvers'
import { zodResolver } from '@hookform/resolvers/zod'
import { useEffect, useRef } from 'react'
import { get, useForm, type DefaultValues, type FieldError, type FieldValues, type Path, type Resolver } from 'react-hook-form'
import type { z } from 'zod'
import { ActionError } from '@/lib/errors'

const UNREACHABLE = 'The server could not be reached. Check that Batchboard is still running, then retry.'

type ZodFormOptions<V extends FieldValues, I extends FieldValues> = {
  /** The shared schema in lib/validations that the server action parses too. */
  schema: z.ZodType<unknown, I>
  defaultValues: DefaultValues<V>
  /** The schema's input from what the form holds (text fields hold text; the schema wants numbers, lists, null). */
  toInput: (values: V) => I
  /** The form field an issue at a dotted schema path belongs to, when its name differs; undefined drops it. */
  fieldOf?: (path: string, values: V) => string | undefined
  /** Errors the schema cannot see in the form's own shape (an unnamed header row), by form field. */
  check?: (values: V) => Record<string, string>
}

/** Every leaf message of a nested error object, by dotted path. */
function flatten(errors: object, prefix = ''): Array<[string, FieldError]> {
  return Object.entries(errors).flatMap(([key, error]: [string, unknown]): Array<[string, FieldError]> => {
    if (!error || typeof error !== 'object') return []
    const path = prefix ? `${prefix}.${key}` : key
    return 'message' in error && typeof error.message === 'string' ? [[path, { type: 'validate', message: error.message }]] : flatten(error, path)
  })
}

/** zodResolver over the schema's input, its errors moved onto the form's own fields. */
function schemaResolver<V extends FieldValues, I extends FieldValues>({ schema, toInput, fieldOf, check }: ZodFormOptions<V, I>): Resolver<V> {
  const resolve = zodResolver(schema)
  return async (values, context, options) => {
    const result = await resolve(toInput(values), context, { criteriaMode: options.criteriaMode, fields: {}, shouldUseNativeValidation: false })
    const errors: Record<string, FieldError> = {}
    for (const [path, error] of flatten(result.errors)) {
      const field = fieldOf ? fieldOf(path, values) : path
      if (field !== undefined) errors[field] ??= error
    }
    for (const [field, message] of Object.entries(check?.(values) ?? {})) errors[field] ??= { type: 'validate', message }
    return Object.keys(errors).length === 0 ? { values, errors: {} } : { values: {}, errors: toNestErrors(errors, options) }
  }
}

/**
 * The one way to build a form (decision 037): react-hook-form validated by the shared zod schema. Errors show from a
 * field's first keystroke (or leaving it) and on every field once submitted; `refuse` puts a server refusal on the
 * field its `param` names, or above the buttons (`general`) when it names none, until the next change.
 */
export function useZodForm<V extends FieldValues, I extends FieldValues>(options: ZodFormOptions<V, I>) {
  const form = useForm<V>({ mode: 'all', defaultValues: options.defaultValues, resolver: schemaResolver(options) })
  const { subscribe, clearErrors, setError, getValues } = form
  const refused = useRef<Path<V> | null>(null)

  useEffect(() => {
    // A change clears the server's refusal: it was about the values as they were.
    return subscribe({
      formState: { values: true },
      callback: () => {
        if (refused.current) clearErrors(refused.current)
        refused.current = null
        clearErrors('root.server')
      },
    })
  }, [subscribe, clearErrors])

  const isField = (name: string | undefined): name is Path<V> => name !== undefined && get(getValues(), name) !== undefined
  const fieldNamed = (param: string | undefined): Path<V> | null => {
    const field = param === undefined ? undefined : options.fieldOf ? options.fieldOf(param, getValues()) : param.split('.')[0]
    return isField(field) ? field : null
  }

  return {
    ...form,
    /** The values as the shared schema takes them. */
    toInput: () => options.toInput(getValues()),
    refuse: (error: unknown) => {
      const detail = error instanceof ActionError ? error.detail : { message: UNREACHABLE, param: undefined }
      const field = fieldNamed(detail.param)
      refused.current = field
      setError(field ?? 'root.server', { type: 'server', message: detail.message })
    },
    general: form.formState.errors.root?.server?.message ?? null,
    /** A field's shown error. */
    errorOf: (field: Path<V>): string | null => form.getFieldState(field, form.formState).error?.message ?? null,
  }
}
