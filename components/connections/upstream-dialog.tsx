'use client'

import { Plus, Trash2 } from 'lucide-react'
import { useId, type FormEvent } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { Input, StoredSecretField, TextField } from '@/components/ui/input'
import { useValidatedForm, zodFieldErrors } from '@/components/ui/use-field-errors'
import { useSaveUpstream } from '@/lib/queries/upstreams'
import type { UpstreamSummary } from '@/lib/types'
import { saveUpstreamInput, type SaveUpstreamInput } from '@/lib/validations/upstreams'

type HeaderRow = { key: number; name: string; value: string; /** The server holds a value for this name: empty keeps it. */ stored: boolean }

type FormState = {
  name: string
  baseUrl: string
  apiKey: string
  removeKey: boolean
  models: string
  maxConcurrency: string
  timeoutSeconds: string
  headers: HeaderRow[]
}

type Field = 'name' | 'baseUrl' | 'apiKey' | 'models' | 'maxConcurrency' | 'timeoutMs' | 'headers'
type FieldErrors = Partial<Record<Field, string>>
const FIELDS: Field[] = ['name', 'baseUrl', 'apiKey', 'models', 'maxConcurrency', 'timeoutMs', 'headers']

let nextRowKey = 0

function initialState(upstream: UpstreamSummary | null): FormState {
  return {
    name: upstream?.name ?? '',
    baseUrl: upstream?.baseUrl ?? '',
    apiKey: '',
    removeKey: false,
    models: upstream?.models.join(', ') ?? '',
    maxConcurrency: String(upstream?.maxConcurrency ?? 8),
    timeoutSeconds: String((upstream?.timeoutMs ?? 600_000) / 1000),
    headers: (upstream?.headerNames ?? []).map((name) => ({ key: nextRowKey++, name, value: '', stored: true })),
  }
}

const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))

/** What the form sends: the shared schema's input. A blank key or header value means "keep the stored one". */
function toInput(form: FormState, upstream: UpstreamSummary | null): SaveUpstreamInput {
  const headers: Record<string, string> = {}
  const keepHeaders: string[] = []
  for (const row of form.headers) {
    const name = row.name.trim()
    if (name === '') continue
    if (row.value === '' && row.stored) keepHeaders.push(name)
    else headers[name] = row.value
  }
  return {
    ...(upstream ? { id: upstream.id } : {}),
    name: form.name.trim(),
    baseUrl: form.baseUrl.trim(),
    apiKey: form.removeKey ? null : form.apiKey === '' ? undefined : form.apiKey,
    models: form.models
      .split(/[\s,]+/)
      .map((model) => model.trim())
      .filter((model) => model !== ''),
    maxConcurrency: toNumber(form.maxConcurrency),
    timeoutMs: Math.round(toNumber(form.timeoutSeconds) * 1000),
    headers,
    keepHeaders,
  }
}

function validate(form: FormState, upstream: UpstreamSummary | null): FieldErrors {
  const errors: FieldErrors = zodFieldErrors(saveUpstreamInput, toInput(form, upstream), FIELDS)
  const unnamed = form.headers.find((row) => row.name.trim() === '' && row.value !== '')
  const blank = form.headers.find((row) => row.name.trim() !== '' && row.value === '' && !row.stored)
  if (!errors.headers && unnamed) errors.headers = 'give every header a name'
  if (!errors.headers && blank) errors.headers = `enter a value for ${blank.name.trim()}`
  return errors
}

type UpstreamDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; upstream: UpstreamSummary | null }

/** Add (no upstream) or edit an upstream. Keeps its state only while open: the parent remounts it per use. */
export function UpstreamDialog({ open, onOpenChange, upstream }: UpstreamDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={upstream ? `Edit ${upstream.name}` : 'Add an upstream'}
      description="An OpenAI-compatible server the engine sends batch lines to: Ollama, vLLM, llama.cpp, LM Studio or OpenAI itself."
      className="max-w-xl"
    >
      <UpstreamForm upstream={upstream} onDone={() => onOpenChange(false)} />
    </Dialog>
  )
}

function UpstreamForm({ upstream, onDone }: { upstream: UpstreamSummary | null; onDone: () => void }) {
  const id = useId()
  const { form, fields, update, touch, bind } = useValidatedForm(
    () => initialState(upstream),
    FIELDS,
    (values) => validate(values, upstream),
  )
  const save = useSaveUpstream()
  const { shown } = fields
  const updateHeader = (key: number, change: Partial<HeaderRow>) =>
    update({ headers: form.headers.map((row) => (row.key === key ? { ...row, ...change } : row)) })

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!fields.submit()) return
    save.mutate(toInput(form, upstream), {
      onSuccess: (saved) => {
        toast.success(upstream ? `Saved ${saved.name}` : `Added ${saved.name}`)
        onDone()
      },
      onError: fields.refuse,
    })
  }

  const keyHint = upstream?.apiKeyHint
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={upstream ? `Edit ${upstream.name}` : 'Add an upstream'}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id={`${id}-name`} label="Name" {...bind('name')} placeholder="ollama" autoComplete="off" />
        <TextField
          id={`${id}-base-url`}
          label="Base URL"
          {...bind('baseUrl')}
          placeholder="http://localhost:11434/v1"
          inputMode="url"
          autoComplete="off"
          hint="Usually ends in /v1."
        />
      </div>
      <TextField
        id={`${id}-models`}
        label="Models"
        {...bind('models')}
        placeholder="llama*, qwen*"
        autoComplete="off"
        hint="Names or patterns (* and ?), separated by commas. A line's model goes to the upstream with an exact name, else the longest matching pattern; * takes every model."
      />
      <StoredSecretField
        id={`${id}-api-key`}
        label="API key"
        {...bind('apiKey')}
        placeholder={keyHint ? `•••• ${keyHint} (leave empty to keep)` : 'None'}
        hint="Sent as Authorization: Bearer …; stored encrypted and never shown again."
        hasStored={Boolean(keyHint)}
        removing={form.removeKey}
        onRemovingChange={(removeKey) => update({ removeKey, apiKey: '' })}
        removeLabel={`Remove the stored key (•••• ${keyHint})`}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${id}-concurrency`}
          label="Max concurrency"
          type="number"
          min={1}
          max={1024}
          step={1}
          {...bind('maxConcurrency')}
          hint="Requests in flight at once. 429 and 503 answers lower it for a while."
        />
        <TextField
          id={`${id}-timeout`}
          label="Request timeout (seconds)"
          type="number"
          min={1}
          max={3600}
          value={form.timeoutSeconds}
          onChange={(event) => update({ timeoutSeconds: event.target.value }, 'timeoutMs')}
          onBlur={touch('timeoutMs')}
          error={shown('timeoutMs')}
          hint="One request; a timed-out request is retried."
        />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Extra headers</legend>
        {form.headers.length > 0 ? (
          <ul className="space-y-2">
            {form.headers.map((row, index) => (
              <li key={row.key} className="flex items-center gap-2">
                <Input
                  aria-label={`Header ${index + 1} name`}
                  value={row.name}
                  placeholder="OpenAI-Project"
                  autoComplete="off"
                  disabled={row.stored}
                  onChange={(event) => updateHeader(row.key, { name: event.target.value })}
                  onBlur={touch('headers')}
                  className="flex-1"
                />
                <Input
                  aria-label={`Header ${index + 1} value`}
                  type="password"
                  value={row.value}
                  placeholder={row.stored ? 'Stored (leave empty to keep)' : 'Value'}
                  autoComplete="new-password"
                  onChange={(event) => updateHeader(row.key, { value: event.target.value })}
                  onBlur={touch('headers')}
                  className="flex-1"
                />
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove header ${row.name || index + 1}`}
                  onClick={() => update({ headers: form.headers.filter((other) => other.key !== row.key) })}
                >
                  <Trash2 aria-hidden className="size-4" />
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        {shown('headers') ? <p className="text-xs text-danger">{shown('headers')}</p> : null}
        <Button
          type="button"
          variant="secondary"
          size="sm"
          onClick={() => update({ headers: [...form.headers, { key: nextRowKey++, name: '', value: '', stored: false }] })}
        >
          <Plus aria-hidden className="size-3.5" />
          Add header
        </Button>
        <p className="text-xs text-muted">Sent with every request. Values are stored encrypted and, like the key, never shown again.</p>
      </fieldset>
      <FormFooter error={fields.general} pending={save.isPending} submitLabel={upstream ? 'Save' : 'Add upstream'} onCancel={onDone} />
    </form>
  )
}
