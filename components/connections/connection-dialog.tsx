'use client'

import { useId } from 'react'
import { FormFooter } from '@/components/ui/form-footer'
import { StoredSecretField, TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { PROVIDER_CONNECTION_KINDS } from '@/lib/constants'
import { useSaveConnection } from '@/lib/queries/connections'
import type { ConnectionSummary } from '@/lib/types'
import { DEFAULT_BASE_URLS, saveConnectionInput, type SaveConnectionInput } from '@/lib/validations/connections'
import { EditDialog, FieldRow, StoredKeyField, toastSaved } from './form-parts'
import { blankOr, LimitFields, limitFieldOf, limitValues, numberOrNull, toLimitsInput, type LimitValues } from './limit-fields'

type Kind = (typeof PROVIDER_CONNECTION_KINDS)[number]

/** What each kind of connection is, as the dialog explains it (README "Connections" has the details). */
const KINDS: Record<Kind, { label: string; description: string; baseUrlHint: string; keyPlaceholder: string }> = {
  openai: {
    label: 'OpenAI-compatible',
    description: "OpenAI, or any server that speaks OpenAI's /v1/files and /v1/batches: Azure OpenAI, Groq, a LiteLLM proxy, another Batchboard.",
    baseUrlHint: `Including /v1. Empty means ${DEFAULT_BASE_URLS.openai}.`,
    keyPlaceholder: 'sk-…',
  },
  anthropic: {
    label: 'Anthropic',
    description: 'Claude through Message Batches: each OpenAI-format chat line is translated to a Messages request, and the results back to OpenAI format.',
    baseUrlHint: `Without /v1. Empty means ${DEFAULT_BASE_URLS.anthropic}.`,
    keyPlaceholder: 'sk-ant-…',
  },
  gemini: {
    label: 'Google Gemini',
    description:
      'Gemini Batch Mode: chat and embedding lines are translated to Gemini requests (one model per batch), and the responses back to OpenAI format.',
    baseUrlHint: `Empty means ${DEFAULT_BASE_URLS.gemini}.`,
    keyPlaceholder: 'AIza…',
  },
}

type FormState = LimitValues & {
  kind: Kind
  name: string
  baseUrl: string
  apiKey: string
  removeKey: boolean
  organization: string
  project: string
  webhookSecret: string
  removeWebhookSecret: boolean
  /** Anthropic: max_tokens for lines without one; empty for none. */
  defaultMaxTokens: string
}

function initialState(connection: ConnectionSummary | null): FormState {
  const kind = connection && connection.kind !== 'builtin' ? connection.kind : 'openai'
  return {
    kind,
    name: connection?.name ?? '',
    baseUrl: connection?.baseUrl ?? DEFAULT_BASE_URLS[kind],
    apiKey: '',
    removeKey: false,
    organization: connection?.organization ?? '',
    project: connection?.project ?? '',
    webhookSecret: '',
    removeWebhookSecret: false,
    ...limitValues(connection),
    defaultMaxTokens: blankOr(connection?.defaultMaxTokens ?? null),
  }
}

/** What the form sends: the shared schema's input. A blank key means "keep the stored one". */
function toInput(form: FormState, connection: ConnectionSummary | null): SaveConnectionInput {
  return {
    ...(connection ? { id: connection.id } : {}),
    kind: form.kind,
    name: form.name,
    baseUrl: form.baseUrl,
    apiKey: form.removeKey ? null : form.apiKey === '' ? undefined : form.apiKey,
    organization: form.organization,
    project: form.project,
    webhookSecret: form.removeWebhookSecret ? null : form.webhookSecret === '' ? undefined : form.webhookSecret,
    ...toLimitsInput(form),
    // Only OpenAI states an enqueued-token limit; another kind's hidden box is not sent.
    ...(form.kind === 'openai' ? {} : { enqueuedTokenLimits: undefined }),
    ...(form.kind === 'anthropic' ? { defaultMaxTokens: numberOrNull(form.defaultMaxTokens) } : {}),
  }
}

type ConnectionDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; connection: ConnectionSummary | null }

/** Add (no connection) or edit a provider's batch API. The parent remounts it per use, for fresh state. */
export function ConnectionDialog({ open, onOpenChange, connection }: ConnectionDialogProps) {
  return (
    <EditDialog
      open={open}
      onOpenChange={onOpenChange}
      editing={connection?.name ?? null}
      addTitle="Add a connection"
      description="OpenAI or an OpenAI-compatible server, Anthropic's Message Batches or Gemini Batch Mode: the same OpenAI-format batch files run on each."
    >
      <ConnectionForm connection={connection} onDone={() => onOpenChange(false)} />
    </EditDialog>
  )
}

function KindPicker({ id, value, onChange, fixed }: { id: string; value: Kind; onChange: (kind: Kind) => void; fixed: boolean }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Kind</legend>
      <div role="radiogroup" aria-label="Kind" className="grid gap-2 sm:grid-cols-3">
        {PROVIDER_CONNECTION_KINDS.map((kind) => (
          <label
            key={kind}
            className="flex cursor-pointer items-center gap-2 rounded-md border border-border px-3 py-2 text-sm has-checked:border-accent has-checked:bg-accent/5 has-disabled:cursor-default has-disabled:opacity-70"
          >
            <input
              type="radio"
              name={`${id}-kind`}
              value={kind}
              checked={value === kind}
              disabled={fixed && value !== kind}
              onChange={() => onChange(kind)}
              className="size-4 accent-[var(--accent)]"
            />
            {KINDS[kind].label}
          </label>
        ))}
      </div>
      <p className="text-xs text-muted">{fixed ? `${KINDS[value].description} A connection keeps its kind.` : KINDS[value].description}</p>
    </fieldset>
  )
}

function ConnectionForm({ connection, onDone }: { connection: ConnectionSummary | null; onDone: () => void }) {
  const id = useId()
  const form = useZodForm({
    schema: saveConnectionInput,
    defaultValues: initialState(connection),
    toInput: (values: FormState) => toInput(values, connection),
    fieldOf: limitFieldOf,
  })
  const { register, errorOf, setValue, watch, getValues } = form
  const save = useSaveConnection()
  const kind = watch('kind')
  /** A new connection's kind: a base URL still at the old kind's default follows to the new kind's. */
  const pickKind = (next: Kind) => {
    if ([DEFAULT_BASE_URLS[kind], ''].includes(getValues('baseUrl'))) setValue('baseUrl', DEFAULT_BASE_URLS[next])
    setValue('kind', next)
  }
  /** A write-only secret's "remove" box: ticking it empties what was typed. */
  const removeToggle = (flag: 'removeKey' | 'removeWebhookSecret', field: 'apiKey' | 'webhookSecret') => (removing: boolean) => {
    setValue(flag, removing)
    setValue(field, '', { shouldValidate: true })
  }
  const field = (name: 'organization' | 'project' | 'defaultMaxTokens', label: string, hint: string) => ({
    id: `${id}-${name}`,
    label,
    hint,
    ...register(name),
    error: errorOf(name),
    autoComplete: 'off',
  })

  const onSubmit = form.handleSubmit(() =>
    save.mutate(form.toInput(), {
      onSuccess: (saved) => {
        toastSaved(!connection, saved.name)
        onDone()
      },
      onError: form.refuse,
    }),
  )

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={connection ? `Edit ${connection.name}` : 'Add a connection'}>
      <KindPicker id={id} value={kind} onChange={pickKind} fixed={connection !== null} />
      <TextField
        id={`${id}-name`}
        label="Name"
        {...register('name')}
        error={errorOf('name')}
        placeholder={`${KINDS[kind].label} production`}
        autoComplete="off"
      />
      <TextField
        id={`${id}-base-url`}
        label="Base URL"
        {...register('baseUrl')}
        error={errorOf('baseUrl')}
        placeholder={DEFAULT_BASE_URLS[kind]}
        inputMode="url"
        autoComplete="off"
        hint={KINDS[kind].baseUrlHint}
      />
      <StoredKeyField
        id={`${id}-api-key`}
        {...register('apiKey')}
        error={errorOf('apiKey')}
        keyHint={connection?.apiKeyHint}
        emptyPlaceholder={KINDS[kind].keyPlaceholder}
        hint="Stored encrypted; only its last 4 characters are ever shown again."
        removing={watch('removeKey')}
        onRemovingChange={removeToggle('removeKey', 'apiKey')}
      />
      {kind === 'openai' ? (
        <>
          <FieldRow
            fields={[
              { ...field('organization', 'Organization (optional)', 'Sent as OpenAI-Organization.'), placeholder: 'org-…' },
              { ...field('project', 'Project (optional)', 'Sent as OpenAI-Project.'), placeholder: 'proj_…' },
            ]}
          />
          <StoredSecretField
            id={`${id}-webhook-secret`}
            label="Webhook signing secret (optional)"
            {...register('webhookSecret')}
            error={errorOf('webhookSecret')}
            placeholder={connection?.webhookSecretSet ? 'Stored (leave empty to keep)' : 'whsec_…'}
            hint="From OpenAI's webhook settings, for POST /api/webhooks/openai: finished batches sync at once instead of at the next poll."
            hasStored={connection?.webhookSecretSet ?? false}
            removing={watch('removeWebhookSecret')}
            onRemovingChange={removeToggle('removeWebhookSecret', 'webhookSecret')}
            removeLabel="Remove the stored webhook secret"
          />
        </>
      ) : null}
      {kind === 'anthropic' ? (
        <TextField
          {...field(
            'defaultMaxTokens',
            'Default max tokens',
            'For lines without max_completion_tokens or max_tokens: Anthropic requires one. Empty: such lines are refused.',
          )}
          inputMode="numeric"
          placeholder="1024"
        />
      ) : null}
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Limits (a file over them runs as a job of several batches)</legend>
        <LimitFields id={id} kind={kind} register={register} errorOf={errorOf} tokens={kind === 'openai'} />
      </fieldset>
      <FormFooter error={form.general} pending={save.isPending} submitLabel={connection ? 'Save' : 'Add connection'} onCancel={onDone} />
    </form>
  )
}
