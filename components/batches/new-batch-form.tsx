'use client'

import { Rocket } from 'lucide-react'
import { useRouter, useSearchParams } from 'next/navigation'
import { useId, useState, type ReactNode } from 'react'
import { useWatch } from 'react-hook-form'
import { toast } from 'sonner'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { PANEL, Card, Panel } from '@/components/ui/card'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Field } from '@/components/ui/field'
import { Input } from '@/components/ui/input'
import { Select } from '@/components/ui/select'
import { Skeleton } from '@/components/ui/skeleton'
import { useZodForm } from '@/components/ui/use-zod-form'
import { formatCompact, formatNumber } from '@/lib/format'
import { formatRefusal } from '@/lib/jsonl'
import { useBatch, useCreateBatch } from '@/lib/queries/batches'
import { useConnections } from '@/lib/queries/connections'
import { useFile, useProviderCheck } from '@/lib/queries/files'
import { useCreateJob } from '@/lib/queries/jobs'
import type { BatchDetail } from '@/lib/types'
import { createBatchInput, DESCRIPTION_KEY, DESCRIPTION_MAX } from '@/lib/validations/batches'
import { ConnectionPicker } from '@/components/ui/connection-picker'
import { JobPlan, plannedParts, type JobChoice } from '@/components/ui/job-plan'
import { CostEstimate } from './cost-estimate'
import { MetadataEditor } from './metadata-editor'
import { newBatchValues, toCreateBatchInput, type NewBatchValues } from './new-batch-values'
import { ProviderLineCheck, translatesLines } from './provider-line-check'

/** OpenAI takes only 24h; the built-in engine takes any window from 10 s to 30 d, so it offers a few more. */
const BUILTIN_WINDOWS = ['1h', '24h', '72h', '7d'] as const
// OpenAI takes only 24h; Groq takes up to 7d and kluster.ai 1h–24h, so the others stay on offer (the provider decides).
const OPENAI_WINDOWS = ['24h', '1h', '7d'] as const
/** output_expires_after choices; the empty value leaves it to the provider (OpenAI: 30 days). */
const KEEP_RESULTS = [
  { label: 'Provider default', seconds: '' },
  { label: '1 day', seconds: String(86_400) },
  { label: '7 days', seconds: String(7 * 86_400) },
  { label: '30 days', seconds: String(30 * 86_400) },
] as const

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
  return <BatchSettings key={`${fileId}:${clone.data?.id ?? ''}`} fileId={fileId} clone={clone.data ?? null} />
}

function FormSkeleton() {
  return (
    <Panel role="status" aria-label="Loading the batch settings" className="space-y-3 p-4">
      <Skeleton className="h-5 w-1/3" />
      <Skeleton className="h-24 w-full" />
      <Skeleton className="h-24 w-full" />
    </Panel>
  )
}

function BatchSettings({ fileId, clone }: { fileId: string; clone: BatchDetail | null }) {
  const router = useRouter()
  const id = useId()
  const file = useFile(fileId)
  const connections = useConnections()
  const create = useCreateBatch()
  const createJob = useCreateJob()
  const [jobChoice, setJobChoice] = useState<JobChoice>({ runAsJob: false, maxAttempts: 3 })
  const form = useZodForm({
    schema: createBatchInput,
    defaultValues: newBatchValues(clone),
    toInput: (values: NewBatchValues) => toCreateBatchInput(fileId, values),
    // Only the description and the metadata rows show their own errors; the rest are the server's to refuse.
    fieldOf: (path) => (path === 'description' || path.startsWith('metadata') ? path : undefined),
  })
  const { register, setValue, errorOf } = form
  const [connectionId, completionWindow, description, metadata] = useWatch({
    control: form.control,
    name: ['connectionId', 'completionWindow', 'description', 'metadata'],
  })

  const connection = connections.data?.find((item) => item.id === connectionId)
  // Anthropic and Gemini give every batch 24 hours; there is no window to choose.
  const windows: readonly string[] =
    connection?.kind === 'openai' ? OPENAI_WINDOWS : connection?.kind === 'anthropic' || connection?.kind === 'gemini' ? ['24h'] : BUILTIN_WINDOWS
  const windowOptions = windows.includes(completionWindow) ? windows : [...windows, completionWindow]
  const used = metadata.length + (description.trim() === '' ? 0 : 1)
  const invalid = Object.keys(form.formState.errors).some((field) => field !== 'root')
  // Lines that do not translate for Anthropic or Gemini keep Create off (the check lists them).
  const lineCheck = useProviderCheck(fileId, connection?.id ?? null, translatesLines(connection))
  // A file in a provider's own line format runs only on a connection of that kind (docs/decisions/046).
  const formatProblem = file.data && connection ? formatRefusal(file.data.lineFormat, connection.kind) : null
  const usable = connection !== undefined && formatProblem === null && (!translatesLines(connection) || lineCheck.data?.errorCount === 0)
  const asJob = file.data !== undefined && connection !== undefined && (jobChoice.runAsJob || plannedParts(file.data, connection).count > 1)
  const pending = create.isPending || createJob.isPending

  const onSubmit = form.handleSubmit((chosen) => {
    if (!usable) return
    // A choice made on another connection's form is not sent where the field is hidden.
    const values = translatesLines(connection) ? { ...chosen, keepResults: '' } : chosen
    if (asJob) {
      const { outputExpiresAfterSeconds: _unused, ...input } = toCreateBatchInput(fileId, values)
      createJob.mutate(
        { ...input, maxAttempts: jobChoice.maxAttempts },
        {
          onSuccess: ({ id: jobId }) => {
            toast.success('Job created', { description: `${jobId} is splitting the file into batches on ${connection.name}.` })
            router.push(`/jobs/${jobId}`)
          },
          onError: (error) => {
            form.refuse(error)
            toast.error('The job was not created', { description: error.message })
          },
        },
      )
      return
    }
    create.mutate(toCreateBatchInput(fileId, values), {
      onSuccess: ({ id: batchId }) => {
        toast.success('Batch created', { description: `${batchId} is validating on ${connection.name}.` })
        router.push(`/batches/${batchId}`)
      },
      onError: (error) => {
        form.refuse(error)
        toast.error('The batch was not created', { description: error.message })
      },
    })
  })

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <section aria-labelledby="run-heading" className={cn(PANEL, 'space-y-5 px-4 py-4')}>
        <div>
          <h2 id="run-heading" className="text-base font-semibold">
            Next: choose where it runs
          </h2>
          {clone ? (
            <p className="mt-1 text-sm text-muted">
              Settings copied from <code className="font-mono text-xs">{clone.id}</code>; change what you need.
            </p>
          ) : null}
        </div>

        <ConnectionPicker
          connections={connections.data}
          error={connections.error?.message ?? null}
          value={connectionId}
          onChange={(picked) => setValue('connectionId', picked)}
        />

        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={`${id}-endpoint`} label="Endpoint" hint="Detected from the file; every line uses it.">
            {(control) => (
              <input
                {...control}
                readOnly
                value={file.data?.endpoint ?? ''}
                placeholder={file.isPending ? 'Reading the file…' : 'unknown'}
                className="h-9 w-full rounded-md border border-border bg-subtle px-3 font-mono text-sm text-muted"
              />
            )}
          </Field>
          <Field
            id={`${id}-window`}
            label="Completion window"
            hint={
              connection?.kind === 'openai'
                ? 'OpenAI accepts only 24h; other providers have their own rules.'
                : 'Lines not done in time end as expired. OpenAI uses 24h.'
            }
          >
            {(control) => (
              <Select {...control} {...register('completionWindow')} className="w-full">
                {windowOptions.map((window) => (
                  <option key={window} value={window}>
                    {window}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {/* Anthropic and Gemini keep results for their own fixed time; there is no output_expires_after to send. */}
          {translatesLines(connection) ? null : (
            <Field
              id={`${id}-keep`}
              label="Keep results for"
              hint="How long the output and error files stay available (OpenAI's output_expires_after). Batchboard keeps its own copy either way."
            >
              {(control) => (
                <Select {...control} {...register('keepResults')} className="w-full">
                  {KEEP_RESULTS.map(({ label, seconds }) => (
                    <option key={label} value={seconds}>
                      {label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        </div>

        <Field
          id={`${id}-description`}
          label="Description"
          hint={`Optional. Shown in the batches list; sent as metadata “${DESCRIPTION_KEY}”.`}
          error={errorOf('description')}
          counter={`${description.trim().length} / ${DESCRIPTION_MAX}`}
        >
          {(control) => <Input {...control} {...register('description')} placeholder="e.g. Nightly ticket summaries" />}
        </Field>

        <MetadataEditor control={form.control} register={register} errorOf={errorOf} used={used} />

        {formatProblem ? (
          <p role="alert" className="rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm">
            {formatProblem}
          </p>
        ) : connection && translatesLines(connection) ? (
          <ProviderLineCheck fileId={fileId} connection={connection} />
        ) : null}

        {file.data && connection ? <JobPlan work={file.data} connection={connection} choice={jobChoice} onChange={setJobChoice} /> : null}
      </section>

      <Card title="Summary" id="summary-heading" padded={false}>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 px-4 py-4 text-sm sm:grid-cols-4">
          <Fact label="Requests">{file.data?.lineCount === undefined || file.data.lineCount === null ? '—' : formatNumber(file.data.lineCount)}</Fact>
          <Fact label="Est. input tokens">{file.data?.estimatedInputTokens == null ? '—' : `≈ ${formatCompact(file.data.estimatedInputTokens)}`}</Fact>
          <Fact label="Runs on">{connection?.name ?? '—'}</Fact>
          <Fact label="Est. cost">
            <CostEstimate file={file.data} connection={connection} />
          </Fact>
        </dl>
        {form.general ? (
          <div className="px-4 pb-4">
            <ErrorNotice title={asJob ? 'The job was not created' : 'The batch was not created'} message={form.general} />
          </div>
        ) : null}
        <div className="flex flex-wrap items-center justify-end gap-3 border-t border-border px-4 py-3">
          {invalid ? <p className="text-sm text-danger">Fix the marked fields first.</p> : null}
          <Button type="submit" disabled={invalid || !usable || pending || !file.data}>
            <Rocket aria-hidden className="size-4" />
            {pending ? 'Creating…' : asJob ? 'Create job' : 'Create batch'}
          </Button>
        </div>
      </Card>
    </form>
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
