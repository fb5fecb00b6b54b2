'use client'

import { useId } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { StoredSecretField, TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useSaveConnection } from '@/lib/queries/connections'
import type { ConnectionSummary } from '@/lib/types'
import { OPENAI_BASE_URL, saveConnectionInput, type SaveConnectionInput } from '@/lib/validations/connections'

type FormState = {
  name: string
  baseUrl: string
  apiKey: string
  removeKey: boolean
  organization: string
  project: string
  webhookSecret: string
  removeWebhookSecret: boolean
  /** Empty: the kind's default (lib/connections/limits.ts). */
  maxRequestsPerBatch: string
  maxMegabytesPerBatch: string
  /** One `model or glob = tokens` per line. */
  enqueuedTokenLimits: string
}

const MB = 1024 * 1024
const blankOr = (value: number | null, scale = 1) => (value === null ? '' : String(value / scale))
const numberOrNull = (text: string, scale = 1) => (text.trim() === '' ? null : Math.round(Number(text.trim()) * scale))

function tokenLimitsText(limits: Record<string, number> | null): string {
  return Object.entries(limits ?? {})
    .map(([pattern, tokens]) => `${pattern} = ${tokens}`)
    .join('\n')
}

/** `gpt-4o* = 2000000` per line; a line that is not `name = number` reaches the schema as NaN tokens and is refused there. */
function parseTokenLimits(text: string): Record<string, number> | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  if (lines.length === 0) return null
  return Object.fromEntries(
    lines.map((line) => {
      const at = line.lastIndexOf('=')
      return at < 0
        ? [line.trim(), Number.NaN]
        : [
            line.slice(0, at).trim(),
            Number(
              line
                .slice(at + 1)
                .trim()
                .replaceAll(/[,_ ]/g, ''),
            ),
          ]
    }),
  )
}

function initialState(connection: ConnectionSummary | null): FormState {
  return {
    name: connection?.name ?? '',
    baseUrl: connection?.baseUrl ?? OPENAI_BASE_URL,
    apiKey: '',
    removeKey: false,
    organization: connection?.organization ?? '',
    project: connection?.project ?? '',
    webhookSecret: '',
    removeWebhookSecret: false,
    maxRequestsPerBatch: blankOr(connection?.maxRequestsPerBatch ?? null),
    maxMegabytesPerBatch: blankOr(connection?.maxBytesPerBatch ?? null, MB),
    enqueuedTokenLimits: tokenLimitsText(connection?.enqueuedTokenLimits ?? null),
  }
}

/** What the form sends: the shared schema's input. A blank key means "keep the stored one". */
function toInput(form: FormState, connection: ConnectionSummary | null): SaveConnectionInput {
  return {
    ...(connection ? { id: connection.id } : {}),
    name: form.name,
    baseUrl: form.baseUrl,
    apiKey: form.removeKey ? null : form.apiKey === '' ? undefined : form.apiKey,
    organization: form.organization,
    project: form.project,
    webhookSecret: form.removeWebhookSecret ? null : form.webhookSecret === '' ? undefined : form.webhookSecret,
    maxRequestsPerBatch: numberOrNull(form.maxRequestsPerBatch),
    maxBytesPerBatch: numberOrNull(form.maxMegabytesPerBatch, MB),
    enqueuedTokenLimits: parseTokenLimits(form.enqueuedTokenLimits),
  }
}

type ConnectionDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; connection: ConnectionSummary | null }

/** Add (no connection) or edit an OpenAI-compatible batch API. The parent remounts it per use, for fresh state. */
export function ConnectionDialog({ open, onOpenChange, connection }: ConnectionDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={connection ? `Edit ${connection.name}` : 'Add a connection'}
      description="OpenAI, or any server that speaks OpenAI's /v1/files and /v1/batches: Azure OpenAI, Groq, a LiteLLM proxy, another Batchboard."
      className="max-w-xl"
    >
      <ConnectionForm connection={connection} onDone={() => onOpenChange(false)} />
    </Dialog>
  )
}

function ConnectionForm({ connection, onDone }: { connection: ConnectionSummary | null; onDone: () => void }) {
  const id = useId()
  const form = useZodForm({
    schema: saveConnectionInput,
    defaultValues: initialState(connection),
    toInput: (values: FormState) => toInput(values, connection),
    // The schema counts bytes and keys tokens by model; the form shows MB and one text box.
    fieldOf: (path) => (path === 'maxBytesPerBatch' ? 'maxMegabytesPerBatch' : path.startsWith('enqueuedTokenLimits') ? 'enqueuedTokenLimits' : path),
  })
  const { register, errorOf, setValue, watch } = form
  const save = useSaveConnection()

  const onSubmit = form.handleSubmit(() =>
    save.mutate(form.toInput(), {
      onSuccess: (saved) => {
        toast.success(connection ? `Saved ${saved.name}` : `Added ${saved.name}`)
        onDone()
      },
      onError: form.refuse,
    }),
  )

  const keyHint = connection?.apiKeyHint
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={connection ? `Edit ${connection.name}` : 'Add a connection'}>
      <TextField id={`${id}-name`} label="Name" {...register('name')} error={errorOf('name')} placeholder="OpenAI production" autoComplete="off" />
      <TextField
        id={`${id}-base-url`}
        label="Base URL"
        {...register('baseUrl')}
        error={errorOf('baseUrl')}
        placeholder={OPENAI_BASE_URL}
        inputMode="url"
        autoComplete="off"
        hint={`Including /v1. Empty means ${OPENAI_BASE_URL}.`}
      />
      <StoredSecretField
        id={`${id}-api-key`}
        label="API key"
        {...register('apiKey')}
        error={errorOf('apiKey')}
        placeholder={keyHint ? `•••• ${keyHint} (leave empty to keep)` : 'sk-…'}
        hint="Stored encrypted; only its last 4 characters are ever shown again."
        hasStored={Boolean(keyHint)}
        removing={watch('removeKey')}
        onRemovingChange={(removeKey) => {
          setValue('removeKey', removeKey)
          setValue('apiKey', '', { shouldValidate: true })
        }}
        removeLabel={`Remove the stored key (•••• ${keyHint})`}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${id}-organization`}
          label="Organization (optional)"
          {...register('organization')}
          error={errorOf('organization')}
          placeholder="org-…"
          autoComplete="off"
          hint="Sent as OpenAI-Organization."
        />
        <TextField
          id={`${id}-project`}
          label="Project (optional)"
          {...register('project')}
          error={errorOf('project')}
          placeholder="proj_…"
          autoComplete="off"
          hint="Sent as OpenAI-Project."
        />
      </div>
      <StoredSecretField
        id={`${id}-webhook-secret`}
        label="Webhook signing secret (optional)"
        {...register('webhookSecret')}
        error={errorOf('webhookSecret')}
        placeholder={connection?.webhookSecretSet ? 'Stored (leave empty to keep)' : 'whsec_…'}
        hint="From OpenAI's webhook settings, for POST /api/webhooks/openai: finished batches sync at once instead of at the next poll."
        hasStored={connection?.webhookSecretSet ?? false}
        removing={watch('removeWebhookSecret')}
        onRemovingChange={(removeWebhookSecret) => {
          setValue('removeWebhookSecret', removeWebhookSecret)
          setValue('webhookSecret', '', { shouldValidate: true })
        }}
        removeLabel="Remove the stored webhook secret"
      />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Limits (a file over them runs as a job of several batches)</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id={`${id}-max-requests`}
            label="Requests per batch"
            {...register('maxRequestsPerBatch')}
            error={errorOf('maxRequestsPerBatch')}
            inputMode="numeric"
            placeholder="50000"
            hint="Empty: OpenAI's 50,000."
          />
          <TextField
            id={`${id}-max-mb`}
            label="MB per batch"
            {...register('maxMegabytesPerBatch')}
            error={errorOf('maxMegabytesPerBatch')}
            inputMode="decimal"
            placeholder="200"
            hint="Empty: OpenAI's 200 MB."
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-token-limits`} className="text-sm font-medium">
            Enqueued tokens per model
          </label>
          <textarea
            id={`${id}-token-limits`}
            {...register('enqueuedTokenLimits')}
            rows={3}
            placeholder={'gpt-4o-mini = 2000000\ngpt-4.1* = 900000'}
            className="w-full rounded-md border border-border bg-surface px-3 py-2 font-mono text-sm"
          />
          <p className="text-xs text-muted">
            {errorOf('enqueuedTokenLimits') ??
              "One `model or glob = tokens` per line, from your organization's limits page. A job submits no more than this at a time."}
          </p>
        </div>
      </fieldset>
      <FormFooter error={form.general} pending={save.isPending} submitLabel={connection ? 'Save' : 'Add connection'} onCancel={onDone} />
    </form>
  )
}
