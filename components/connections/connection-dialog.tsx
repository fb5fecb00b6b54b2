'use client'

import { useId, type FormEvent } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { StoredSecretField, TextField } from '@/components/ui/input'
import { useValidatedForm, zodFieldErrors } from '@/components/ui/use-field-errors'
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
}

type Field = 'name' | 'baseUrl' | 'apiKey' | 'organization' | 'project' | 'webhookSecret'
type FieldErrors = Partial<Record<Field, string>>
const FIELDS: Field[] = ['name', 'baseUrl', 'apiKey', 'organization', 'project', 'webhookSecret']

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
  }
}

const validate = (form: FormState, connection: ConnectionSummary | null): FieldErrors => zodFieldErrors(saveConnectionInput, toInput(form, connection), FIELDS)

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
  const { form, fields, update, bind } = useValidatedForm(
    () => initialState(connection),
    FIELDS,
    (values) => validate(values, connection),
  )
  const save = useSaveConnection()

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!fields.submit()) return
    save.mutate(toInput(form, connection), {
      onSuccess: (saved) => {
        toast.success(connection ? `Saved ${saved.name}` : `Added ${saved.name}`)
        onDone()
      },
      onError: fields.refuse,
    })
  }

  const keyHint = connection?.apiKeyHint
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={connection ? `Edit ${connection.name}` : 'Add a connection'}>
      <TextField id={`${id}-name`} label="Name" {...bind('name')} placeholder="OpenAI production" autoComplete="off" />
      <TextField
        id={`${id}-base-url`}
        label="Base URL"
        {...bind('baseUrl')}
        placeholder={OPENAI_BASE_URL}
        inputMode="url"
        autoComplete="off"
        hint={`Including /v1. Empty means ${OPENAI_BASE_URL}.`}
      />
      <StoredSecretField
        id={`${id}-api-key`}
        label="API key"
        {...bind('apiKey')}
        placeholder={keyHint ? `•••• ${keyHint} (leave empty to keep)` : 'sk-…'}
        hint="Stored encrypted; only its last 4 characters are ever shown again."
        hasStored={Boolean(keyHint)}
        removing={form.removeKey}
        onRemovingChange={(removeKey) => update({ removeKey, apiKey: '' })}
        removeLabel={`Remove the stored key (•••• ${keyHint})`}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${id}-organization`}
          label="Organization (optional)"
          {...bind('organization')}
          placeholder="org-…"
          autoComplete="off"
          hint="Sent as OpenAI-Organization."
        />
        <TextField
          id={`${id}-project`}
          label="Project (optional)"
          {...bind('project')}
          placeholder="proj_…"
          autoComplete="off"
          hint="Sent as OpenAI-Project."
        />
      </div>
      <StoredSecretField
        id={`${id}-webhook-secret`}
        label="Webhook signing secret (optional)"
        {...bind('webhookSecret')}
        placeholder={connection?.webhookSecretSet ? 'Stored (leave empty to keep)' : 'whsec_…'}
        hint="From OpenAI's webhook settings, for POST /api/webhooks/openai: finished batches sync at once instead of at the next poll."
        hasStored={connection?.webhookSecretSet ?? false}
        removing={form.removeWebhookSecret}
        onRemovingChange={(removeWebhookSecret) => update({ removeWebhookSecret, webhookSecret: '' })}
        removeLabel="Remove the stored webhook secret"
      />
      <FormFooter error={fields.general} pending={save.isPending} submitLabel={connection ? 'Save' : 'Add connection'} onCancel={onDone} />
    </form>
  )
}
