'use client'

import { Plus, Trash2 } from 'lucide-react'
import { useId } from 'react'
import { useFieldArray } from 'react-hook-form'
import { Button } from '@/components/ui/button'
import { FormFooter } from '@/components/ui/form-footer'
import { Input, TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useSaveUpstream } from '@/lib/queries/upstreams'
import type { UpstreamSummary } from '@/lib/types'
import { saveUpstreamInput, type SaveUpstreamInput } from '@/lib/validations/upstreams'
import { EditDialog, FieldRow, StoredKeyField, toastSaved, type FieldSpec } from './form-parts'

type HeaderRow = { name: string; value: string; /** The server holds a value for this name: empty keeps it. */ stored: boolean }

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

function initialState(upstream: UpstreamSummary | null): FormState {
  return {
    name: upstream?.name ?? '',
    baseUrl: upstream?.baseUrl ?? '',
    apiKey: '',
    removeKey: false,
    models: upstream?.models.join(', ') ?? '',
    maxConcurrency: String(upstream?.maxConcurrency ?? 8),
    timeoutSeconds: String((upstream?.timeoutMs ?? 600_000) / 1000),
    headers: (upstream?.headerNames ?? []).map((name) => ({ name, value: '', stored: true })),
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

/** The form field a schema issue belongs to: a header's issue to its row, the timeout to its seconds. */
function fieldOf(path: string, form: FormState): string | undefined {
  const [key, rest] = [path.split('.')[0], path.split('.').slice(1).join('.')]
  if (key === 'timeoutMs') return 'timeoutSeconds'
  if (key === 'headers') {
    const row = form.headers.findIndex((header) => header.name.trim() === rest)
    return row === -1 ? undefined : `headers.${row}.name`
  }
  return key === 'keepHeaders' || key === 'id' ? undefined : key
}

/** What the schema cannot see: a row with a value but no name, or a new header without a value. */
function checkHeaders(form: FormState): Record<string, string> {
  const errors: Record<string, string> = {}
  form.headers.forEach((row, index) => {
    if (row.name.trim() === '' && row.value !== '') errors[`headers.${index}.name`] = 'give every header a name'
    else if (row.name.trim() !== '' && row.value === '' && !row.stored) errors[`headers.${index}.value`] = `enter a value for ${row.name.trim()}`
  })
  return errors
}

type UpstreamDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; upstream: UpstreamSummary | null }

/** Add (no upstream) or edit an upstream. Keeps its state only while open: the parent remounts it per use. */
export function UpstreamDialog({ open, onOpenChange, upstream }: UpstreamDialogProps) {
  return (
    <EditDialog
      open={open}
      onOpenChange={onOpenChange}
      editing={upstream?.name ?? null}
      addTitle="Add an upstream"
      description="An OpenAI-compatible server the engine sends batch lines to: Ollama, vLLM, llama.cpp, LM Studio or OpenAI itself."
    >
      <UpstreamForm upstream={upstream} onDone={() => onOpenChange(false)} />
    </EditDialog>
  )
}

function UpstreamForm({ upstream, onDone }: { upstream: UpstreamSummary | null; onDone: () => void }) {
  const id = useId()
  const form = useZodForm({
    schema: saveUpstreamInput,
    defaultValues: initialState(upstream),
    toInput: (values: FormState) => toInput(values, upstream),
    fieldOf,
    check: checkHeaders,
  })
  const { register, errorOf, setValue, watch, control } = form
  const headers = useFieldArray({ control, name: 'headers' })
  const headerError = headers.fields.map((_, index) => errorOf(`headers.${index}.name`) ?? errorOf(`headers.${index}.value`)).find(Boolean)
  const save = useSaveUpstream()
  const field = (name: 'name' | 'baseUrl' | 'models' | 'maxConcurrency' | 'timeoutSeconds', label: string, extra: Partial<FieldSpec>): FieldSpec => ({
    id: `${id}-${name}`,
    label,
    autoComplete: 'off',
    ...register(name),
    error: errorOf(name),
    ...extra,
  })

  const onSubmit = form.handleSubmit(() =>
    save.mutate(form.toInput(), {
      onSuccess: (saved) => {
        toastSaved(!upstream, saved.name)
        onDone()
      },
      onError: form.refuse,
    }),
  )

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={upstream ? `Edit ${upstream.name}` : 'Add an upstream'}>
      <FieldRow
        fields={[
          field('name', 'Name', { placeholder: 'ollama' }),
          field('baseUrl', 'Base URL', { placeholder: 'http://localhost:11434/v1', inputMode: 'url', hint: 'Usually ends in /v1.' }),
        ]}
      />
      <TextField
        {...field('models', 'Models', {
          placeholder: 'llama*, qwen*',
          hint: "Names or patterns (* and ?), separated by commas. A line's model goes to the upstream with an exact name, else the longest matching pattern; * takes every model.",
        })}
      />
      <StoredKeyField
        id={`${id}-api-key`}
        {...register('apiKey')}
        error={errorOf('apiKey')}
        keyHint={upstream?.apiKeyHint}
        emptyPlaceholder="None"
        hint="Sent as Authorization: Bearer …; stored encrypted and never shown again."
        removing={watch('removeKey')}
        onRemovingChange={(removeKey) => {
          setValue('removeKey', removeKey)
          setValue('apiKey', '', { shouldValidate: true })
        }}
      />
      <FieldRow
        fields={[
          field('maxConcurrency', 'Max concurrency', {
            type: 'number',
            min: 1,
            max: 1024,
            step: 1,
            hint: 'Requests in flight at once. 429 and 503 answers lower it for a while.',
          }),
          field('timeoutSeconds', 'Request timeout (seconds)', { type: 'number', min: 1, max: 3600, hint: 'One request; a timed-out request is retried.' }),
        ]}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Extra headers</legend>
        {headers.fields.length > 0 ? (
          <ul className="space-y-2">
            {headers.fields.map((row, index) => (
              <li key={row.id} className="flex items-center gap-2">
                <Input
                  aria-label={`Header ${index + 1} name`}
                  {...register(`headers.${index}.name`)}
                  placeholder="OpenAI-Project"
                  autoComplete="off"
                  disabled={row.stored}
                  className="flex-1"
                />
                <Input
                  aria-label={`Header ${index + 1} value`}
                  type="password"
                  {...register(`headers.${index}.value`)}
                  placeholder={row.stored ? 'Stored (leave empty to keep)' : 'Value'}
                  autoComplete="new-password"
                  className="flex-1"
                />
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove header ${watch(`headers.${index}.name`) || index + 1}`}
                  onClick={() => headers.remove(index)}
                >
                  <Trash2 aria-hidden className="size-4" />
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        {headerError ? <p className="text-xs text-danger">{headerError}</p> : null}
        <Button type="button" variant="secondary" size="sm" onClick={() => headers.append({ name: '', value: '', stored: false }, { shouldFocus: false })}>
          <Plus aria-hidden className="size-3.5" />
          Add header
        </Button>
        <p className="text-xs text-muted">Sent with every request. Values are stored encrypted and, like the key, never shown again.</p>
      </fieldset>
      <FormFooter error={form.general} pending={save.isPending} submitLabel={upstream ? 'Save' : 'Add upstream'} onCancel={onDone} />
    </form>
  )
}
