'use client'

import type { UseFormRegisterReturn } from 'react-hook-form'
import { Field } from '@/components/ui/field'
import { TextField } from '@/components/ui/input'
import { DEFAULT_BATCH_LIMITS, type BatchLimits, type ConnectionLimitSettings } from '@/lib/connections/limits'
import { formatLimitBytes, formatNumber } from '@/lib/format'
import type { ConnectionLimitsInput } from '@/lib/validations/connections'

/** A connection's limits as typed: empty is the kind's default (lib/connections/limits.ts). */
export type LimitValues = {
  maxRequestsPerBatch: string
  maxMegabytesPerBatch: string
  /** One `model or glob = tokens` per line. */
  enqueuedTokenLimits: string
}

const MB = 1024 * 1024
/** A stored number as its form field shows it (empty for none), in the field's unit. */
export const blankOr = (value: number | null, scale = 1) => (value === null ? '' : String(value / scale))
/** A number field's text back to a stored number (null when empty); text that is no number gives NaN, which the schema names. */
export const numberOrNull = (text: string, scale = 1) => (text.trim() === '' ? null : Math.round(Number(text.trim()) * scale))

export function limitValues(connection: Omit<ConnectionLimitSettings, 'kind'> | null): LimitValues {
  return {
    maxRequestsPerBatch: blankOr(connection?.maxRequestsPerBatch ?? null),
    maxMegabytesPerBatch: blankOr(connection?.maxBytesPerBatch ?? null, MB),
    enqueuedTokenLimits: Object.entries(connection?.enqueuedTokenLimits ?? {})
      .map(([pattern, tokens]) => `${pattern} = ${tokens}`)
      .join('\n'),
  }
}

/** `gpt-4o* = 2000000` per line; a line that is not `name = number` reaches the schema as NaN tokens and is refused there. */
function parseTokenLimits(text: string): Record<string, number> | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  if (lines.length === 0) return null
  return Object.fromEntries(
    lines.map((line) => {
      const at = line.lastIndexOf('=')
      return at < 0 ? [line.trim(), Number.NaN] : [line.slice(0, at).trim(), Number(line.slice(at + 1).replaceAll(/[,_\s]/g, ''))]
    }),
  )
}

export function toLimitsInput(values: LimitValues): Required<ConnectionLimitsInput> {
  return {
    maxRequestsPerBatch: numberOrNull(values.maxRequestsPerBatch),
    maxBytesPerBatch: numberOrNull(values.maxMegabytesPerBatch, MB),
    enqueuedTokenLimits: parseTokenLimits(values.enqueuedTokenLimits),
  }
}

/** The schema counts bytes and keys tokens by model; the form shows MB and one text box. */
export const limitFieldOf = (path: string) =>
  path === 'maxBytesPerBatch' ? 'maxMegabytesPerBatch' : path.startsWith('enqueuedTokenLimits') ? 'enqueuedTokenLimits' : path

type LimitFieldsProps = {
  id: string
  kind: string
  /** The enclosing form's register: any form whose values include LimitValues. */
  register: (field: keyof LimitValues) => UseFormRegisterReturn
  errorOf: (field: keyof LimitValues) => string | null
  /** Whether the kind queues by enqueued tokens (OpenAI and the engine do; Anthropic and Gemini state no such limit). */
  tokens?: boolean
}

/** "Empty: 50,000." from the kind's default; Gemini states no request count, only a file size. */
const requestsHint = (defaults: BatchLimits) =>
  defaults.maxRequests >= Number.MAX_SAFE_INTEGER ? 'Empty: no request limit.' : `Empty: ${formatNumber(defaults.maxRequests)}.`

/** Requests and MB per batch, and enqueued tokens per model: what a job splits a file to and how much it keeps queued. */
export function LimitFields({ id, kind, register, errorOf, tokens = true }: LimitFieldsProps) {
  const defaults: BatchLimits | undefined = DEFAULT_BATCH_LIMITS[kind]
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${id}-max-requests`}
          label="Requests per batch"
          {...register('maxRequestsPerBatch')}
          error={errorOf('maxRequestsPerBatch')}
          inputMode="numeric"
          placeholder={defaults && defaults.maxRequests < Number.MAX_SAFE_INTEGER ? String(defaults.maxRequests) : undefined}
          hint={defaults ? requestsHint(defaults) : undefined}
        />
        <TextField
          id={`${id}-max-mb`}
          label="MB per batch"
          {...register('maxMegabytesPerBatch')}
          error={errorOf('maxMegabytesPerBatch')}
          inputMode="decimal"
          placeholder={defaults ? String(defaults.maxBytes / MB) : undefined}
          hint={defaults ? `Empty: ${formatLimitBytes(defaults.maxBytes)}.` : undefined}
        />
      </div>
      {tokens ? (
        <Field
          id={`${id}-token-limits`}
          label="Enqueued tokens per model"
          error={errorOf('enqueuedTokenLimits')}
          hint="One `model or glob = tokens` per line. A job keeps no more than this many estimated input tokens queued for the model at a time."
        >
          {(control) => (
            <textarea
              {...control}
              {...register('enqueuedTokenLimits')}
              rows={3}
              spellCheck={false}
              placeholder={'gpt-4o-mini = 2000000\nllama3* = 500000'}
              className="w-full rounded-md border border-border bg-background px-3 py-2 font-mono text-sm focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none aria-invalid:border-danger"
            />
          )}
        </Field>
      ) : null}
    </div>
  )
}
