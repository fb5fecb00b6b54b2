'use client'

import { Plus, Rocket, X } from 'lucide-react'
import { useRouter, useSearchParams } from 'next/navigation'
import { useId, useState, type ReactNode } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { cn } from '@/components/ui/cn'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Skeleton } from '@/components/ui/skeleton'
import { BUILTIN_CONNECTION_ID, BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { formatCompact, formatNumber } from '@/lib/format'
import { ActionError } from '@/lib/queries/actions'
import { useBatch, useCreateBatch } from '@/lib/queries/batches'
import { useConnections } from '@/lib/queries/connections'
import { useFile } from '@/lib/queries/files'
import type { BatchDetail, ConnectionSummary } from '@/lib/types'
import {
  DESCRIPTION_KEY,
  DESCRIPTION_MAX,
  METADATA_MAX_KEY,
  METADATA_MAX_PAIRS,
  METADATA_MAX_VALUE,
  metadataErrors,
  type MetadataPair,
} from '@/lib/validations/batches'
import { CostEstimate } from './cost-estimate'

/** OpenAI takes only 24h; the built-in engine takes any window from 10 s to 30 d, so it offers a few more. */
const BUILTIN_WINDOWS = ['1h', '24h', '72h', '7d'] as const
// OpenAI takes only 24h; Groq takes up to 7d and kluster.ai 1h–24h, so the others stay on offer (the provider decides).
const OPENAI_WINDOWS = ['24h', '1h', '7d'] as const
const DEFAULT_WINDOW = '24h'
/** output_expires_after choices; the empty value leaves it to the provider (OpenAI: 30 days). */
const KEEP_RESULTS = [
  { label: 'Provider default', seconds: '' },
  { label: '1 day', seconds: String(86_400) },
  { label: '7 days', seconds: String(7 * 86_400) },
  { label: '30 days', seconds: String(30 * 86_400) },
] as const

type Row = MetadataPair & { id: number }

type Prefill = { completionWindow: string; description: string; rows: Row[] }

function prefillFrom(batch: BatchDetail): Prefill {
  const metadata = batch.metadata ?? {}
  return {
    completionWindow: batch.completionWindow,
    description: batch.description ?? metadata[DESCRIPTION_KEY] ?? '',
    rows: Object.entries(metadata)
      .filter(([key]) => key !== DESCRIPTION_KEY)
      .map(([key, value], index) => ({ id: index, key, value })),
  }
}

/**
 * Step two of a new batch, once a file is chosen: where it runs, how long it may take, a description and metadata,
 * then a summary and Create. Reads the chosen file (and a batch to clone) from the address, like step one.
 */
export function NewBatchForm() {
  const params = useSearchParams()
  // `?file=` with no value is no file, not a file with an empty id.
  const fileId = params.get('file') || null
  const cloneId = params.get('clone')
  const clone = useBatch(cloneId)
  if (fileId === null) return null
  if (cloneId !== null && clone.isPending) return <FormSkeleton />
  // A batch that cannot be read only loses the prefill, not the form.
  const prefill = clone.data ? prefillFrom(clone.data) : null
  return <BatchSettings key={`${fileId}:${clone.data?.id ?? ''}`} fileId={fileId} prefill={prefill} cloneOf={clone.data?.id ?? null} />
}

function FormSkeleton() {
  return (
    <div role="status" aria-label="Loading the batch settings" className="space-y-3 rounded-xl border border-border bg-surface p-4">
      <Skeleton className="h-5 w-1/3" />
      <Skeleton className="h-24 w-full" />
      <Skeleton className="h-24 w-full" />
    </div>
  )
}

function BatchSettings({ fileId, prefill, cloneOf }: { fileId: string; prefill: Prefill | null; cloneOf: string | null }) {
  const router = useRouter()
  const file = useFile(fileId)
  const connections = useConnections()
  const create = useCreateBatch()
  const [connectionId, setConnectionId] = useState<string>(BUILTIN_CONNECTION_ID)
  const [completionWindow, setCompletionWindow] = useState(prefill?.completionWindow ?? DEFAULT_WINDOW)
  const [keepResults, setKeepResults] = useState('')
  const [description, setDescription] = useState(prefill?.description ?? '')
  const [rows, setRows] = useState<Row[]>(prefill?.rows ?? [])
  const [nextRowId, setNextRowId] = useState((prefill?.rows.length ?? 0) + 1)
  const [serverError, setServerError] = useState<{ message: string; param?: string } | null>(null)

  const pairs = rows.map(({ key, value }) => ({ key, value }))
  const errors = metadataErrors(description, pairs)
  const descriptionError = description.trim().length > DESCRIPTION_MAX ? `A description may have at most ${DESCRIPTION_MAX} characters.` : null
  const connection = connections.data?.find((item) => item.id === connectionId)
  const windows: readonly string[] = connection?.kind === 'openai' ? OPENAI_WINDOWS : BUILTIN_WINDOWS
  const windowOptions = windows.includes(completionWindow) ? windows : [...windows, completionWindow]
  const used = rows.length + (description.trim() === '' ? 0 : 1)
  const invalid = Object.keys(errors).length > 0 || descriptionError !== null
  const usable = connection !== undefined

  function updateRow(id: number, change: Partial<MetadataPair>) {
    setRows((current) => current.map((row) => (row.id === id ? { ...row, ...change } : row)))
    setServerError(null)
  }

  function addRow() {
    setRows((current) => [...current, { id: nextRowId, key: '', value: '' }])
    setNextRowId((id) => id + 1)
  }

  function submit() {
    if (invalid || !usable) return
    setServerError(null)
    create.mutate(
      {
        fileId,
        connectionId,
        completionWindow,
        description: description.trim(),
        metadata: pairs,
        ...(keepResults ? { outputExpiresAfterSeconds: Number(keepResults) } : {}),
      },
      {
        onSuccess: ({ id }) => {
          toast.success('Batch created', { description: `${id} is validating on ${connection?.name ?? 'the built-in engine'}.` })
          router.push(`/batches/${id}`)
        },
        onError: (error) => {
          const detail = error instanceof ActionError ? error.detail : { message: error.message, param: undefined }
          setServerError({ message: detail.message, param: detail.param })
          toast.error('The batch was not created', { description: detail.message })
        },
      },
    )
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
      className="space-y-4"
    >
      <section aria-labelledby="run-heading" className="space-y-5 rounded-xl border border-border bg-surface px-4 py-4">
        <div>
          <h2 id="run-heading" className="text-base font-semibold">
            Next: choose where it runs
          </h2>
          {cloneOf ? (
            <p className="mt-1 text-sm text-muted">
              Settings copied from <code className="font-mono text-xs">{cloneOf}</code>; change what you need.
            </p>
          ) : null}
        </div>

        <ConnectionPicker connections={connections.data} error={connections.error?.message ?? null} value={connectionId} onChange={setConnectionId} />

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Endpoint" hint="Detected from the file; every line uses it.">
            {(id) => (
              <input
                id={id}
                readOnly
                value={file.data?.endpoint ?? ''}
                placeholder={file.isPending ? 'Reading the file…' : 'unknown'}
                className="h-9 w-full rounded-md border border-border bg-subtle px-3 font-mono text-sm text-muted"
              />
            )}
          </Field>
          <Field
            label="Completion window"
            hint={
              connection?.kind === 'openai'
                ? 'OpenAI accepts only 24h; other providers have their own rules.'
                : 'Lines not done in time end as expired. OpenAI uses 24h.'
            }
          >
            {(id) => (
              <select
                id={id}
                value={completionWindow}
                onChange={(event) => setCompletionWindow(event.target.value)}
                className="h-9 w-full rounded-md border border-border bg-surface px-2.5 text-sm"
              >
                {windowOptions.map((window) => (
                  <option key={window} value={window}>
                    {window}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Keep results for"
            hint="How long the output and error files stay available (OpenAI's output_expires_after). Batchboard keeps its own copy either way."
          >
            {(id) => (
              <select
                id={id}
                value={keepResults}
                onChange={(event) => setKeepResults(event.target.value)}
                className="h-9 w-full rounded-md border border-border bg-surface px-2.5 text-sm"
              >
                {KEEP_RESULTS.map(({ label, seconds }) => (
                  <option key={label} value={seconds}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>

        <Field
          label="Description"
          hint={`Optional. Shown in the batches list; sent as metadata “${DESCRIPTION_KEY}”.`}
          error={descriptionError ?? (serverError?.param === 'description' ? serverError.message : null)}
          counter={`${description.trim().length} / ${DESCRIPTION_MAX}`}
        >
          {(id, describedBy, hasError) => (
            <input
              id={id}
              value={description}
              onChange={(event) => {
                setDescription(event.target.value)
                setServerError(null)
              }}
              aria-describedby={describedBy}
              aria-invalid={hasError}
              placeholder="e.g. Nightly ticket summaries"
              className={inputClass(hasError)}
            />
          )}
        </Field>

        <MetadataEditor
          rows={rows}
          errors={errors}
          used={used}
          onChange={updateRow}
          onAdd={addRow}
          onRemove={(id) => setRows((current) => current.filter((row) => row.id !== id))}
        />
      </section>

      <section aria-labelledby="summary-heading" className="rounded-xl border border-border bg-surface">
        <h2 id="summary-heading" className="border-b border-border px-4 py-3 text-base font-semibold">
          Summary
        </h2>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 px-4 py-4 text-sm sm:grid-cols-4">
          <Fact label="Requests">{file.data?.lineCount === undefined || file.data.lineCount === null ? '—' : formatNumber(file.data.lineCount)}</Fact>
          <Fact label="Est. input tokens">{file.data?.estimatedInputTokens == null ? '—' : `≈ ${formatCompact(file.data.estimatedInputTokens)}`}</Fact>
          <Fact label="Runs on">{connection?.name ?? '—'}</Fact>
          <Fact label="Est. cost">
            <CostEstimate file={file.data} connectionKind={connection?.kind} />
          </Fact>
        </dl>
        {serverError && serverError.param !== 'description' ? (
          <div className="px-4 pb-4">
            <ErrorNotice title="The batch was not created" message={serverError.message} />
          </div>
        ) : null}
        <div className="flex flex-wrap items-center justify-end gap-3 border-t border-border px-4 py-3">
          {invalid ? <p className="text-sm text-danger">Fix the marked fields first.</p> : null}
          <Button type="submit" disabled={invalid || !usable || create.isPending || !file.data}>
            <Rocket aria-hidden className="size-4" />
            {create.isPending ? 'Creating…' : 'Create batch'}
          </Button>
        </div>
      </section>
    </form>
  )
}

const inputClass = (hasError: boolean) =>
  cn(
    'h-9 w-full rounded-md border bg-surface px-3 text-sm focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none',
    hasError ? 'border-danger' : 'border-border',
  )

function Field({
  label,
  hint,
  error,
  counter,
  children,
}: {
  label: string
  hint?: string
  error?: string | null
  counter?: string
  children: (id: string, describedBy: string, hasError: boolean) => ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-3">
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        {counter ? <span className={cn('text-xs tabular-nums', error ? 'text-danger' : 'text-muted')}>{counter}</span> : null}
      </div>
      {children(id, hintId, Boolean(error))}
      <p id={hintId} className={cn('text-xs', error ? 'text-danger' : 'text-muted')}>
        {error ?? hint}
      </p>
    </div>
  )
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 font-medium tabular-nums">{children}</dd>
    </div>
  )
}

function ConnectionPicker({
  connections,
  error,
  value,
  onChange,
}: {
  connections: ConnectionSummary[] | undefined
  error: string | null
  value: string
  onChange: (id: string) => void
}) {
  if (error) return <ErrorNotice title="Could not load connections" message={error} />
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Connection</legend>
      {connections === undefined ? (
        <Skeleton className="h-14 w-full" />
      ) : (
        <div className="grid gap-2 sm:grid-cols-2">
          {connections.map((connection) => {
            return (
              <label
                key={connection.id}
                className={cn(
                  'flex cursor-pointer items-start gap-3 rounded-lg border px-3 py-2.5 text-sm',
                  value === connection.id ? 'border-accent ring-1 ring-accent' : 'border-border',
                )}
              >
                <input
                  type="radio"
                  name="connection"
                  value={connection.id}
                  checked={value === connection.id}
                  onChange={() => onChange(connection.id)}
                  className="mt-1 accent-[var(--accent)]"
                />
                <span className="min-w-0">
                  <span className="block font-medium">{connection.name}</span>
                  <span className="block truncate text-xs text-muted">
                    {connection.kind === BUILTIN_CONNECTION_KIND
                      ? 'Runs here, against your upstreams or the simulator'
                      : `Uploads the file to ${connection.baseUrl ?? 'the provider'}`}
                  </span>
                </span>
              </label>
            )
          })}
        </div>
      )}
    </fieldset>
  )
}

function MetadataEditor({
  rows,
  errors,
  used,
  onChange,
  onAdd,
  onRemove,
}: {
  rows: Row[]
  errors: Record<string, string>
  used: number
  onChange: (id: number, change: Partial<MetadataPair>) => void
  onAdd: () => void
  onRemove: (id: number) => void
}) {
  return (
    <fieldset className="space-y-2">
      <div className="flex items-baseline justify-between gap-3">
        <legend className="text-sm font-medium">Metadata</legend>
        <span className={cn('text-xs tabular-nums', errors.metadata ? 'text-danger' : 'text-muted')}>
          {used} of {METADATA_MAX_PAIRS} pairs
        </span>
      </div>
      <p className="text-xs text-muted">
        Optional key–value pairs kept with the batch: keys up to {METADATA_MAX_KEY} characters, values up to {METADATA_MAX_VALUE}.
      </p>
      {rows.length > 0 ? (
        <ul className="space-y-2">
          {rows.map((row, index) => {
            const keyError = errors[`${index}.key`]
            const valueError = errors[`${index}.value`]
            const n = index + 1
            return (
              <li key={row.id} className="space-y-1">
                <div className="flex items-start gap-2">
                  <input
                    aria-label={`Metadata key ${n}`}
                    aria-invalid={Boolean(keyError)}
                    aria-describedby={keyError ? `metadata-${row.id}-key-error` : undefined}
                    value={row.key}
                    onChange={(event) => onChange(row.id, { key: event.target.value })}
                    placeholder="key"
                    className={cn(inputClass(Boolean(keyError)), 'w-2/5 font-mono')}
                  />
                  <input
                    aria-label={`Metadata value ${n}`}
                    aria-invalid={Boolean(valueError)}
                    aria-describedby={valueError ? `metadata-${row.id}-value-error` : undefined}
                    value={row.value}
                    onChange={(event) => onChange(row.id, { value: event.target.value })}
                    placeholder="value"
                    className={cn(inputClass(Boolean(valueError)), 'flex-1')}
                  />
                  <Button type="button" variant="ghost" size="icon" aria-label={`Remove metadata pair ${n}`} onClick={() => onRemove(row.id)}>
                    <X aria-hidden className="size-4" />
                  </Button>
                </div>
                {keyError ? (
                  <p id={`metadata-${row.id}-key-error`} className="text-xs text-danger">
                    Key {n}: {keyError} ({row.key.length}/{METADATA_MAX_KEY}).
                  </p>
                ) : null}
                {valueError ? (
                  <p id={`metadata-${row.id}-value-error`} className="text-xs text-danger">
                    Value {n}: {valueError} ({row.value.length}/{METADATA_MAX_VALUE}).
                  </p>
                ) : null}
              </li>
            )
          })}
        </ul>
      ) : null}
      {errors.metadata ? <p className="text-xs text-danger">{errors.metadata}</p> : null}
      <Button type="button" variant="secondary" size="sm" onClick={onAdd} disabled={used >= METADATA_MAX_PAIRS}>
        <Plus aria-hidden className="size-4" />
        Add metadata
      </Button>
    </fieldset>
  )
}
