'use client'

import { useId, type FormEvent } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { TextField } from '@/components/ui/input'
import { useValidatedForm, zodFieldErrors } from '@/components/ui/use-field-errors'
import { useSavePrice } from '@/lib/queries/prices'
import type { PriceListRow } from '@/lib/types'
import { savePriceInput, type SavePriceInput } from '@/lib/validations/prices'

const RATE_FIELDS = ['input', 'cachedInput', 'output', 'batchInput', 'batchCachedInput', 'batchOutput'] as const
type RateField = (typeof RATE_FIELDS)[number]
type Field = 'model' | RateField
const FIELDS: readonly Field[] = ['model', ...RATE_FIELDS]

type FormState = Record<Field, string>

const LABELS: Record<RateField, { label: string; hint: string }> = {
  input: { label: 'Input', hint: 'Required.' },
  cachedInput: { label: 'Cached input', hint: 'Blank: same as input.' },
  output: { label: 'Output', hint: 'Blank: no output tokens (embeddings).' },
  batchInput: { label: 'Batch input', hint: 'Blank: half of input.' },
  batchCachedInput: { label: 'Batch cached input', hint: 'Blank: half of cached input.' },
  batchOutput: { label: 'Batch output', hint: 'Blank: half of output.' },
}

const initialState = (row: PriceListRow | null): FormState => ({
  model: row?.model ?? '',
  ...(Object.fromEntries(RATE_FIELDS.map((field) => [field, row?.[field] === null || row?.[field] === undefined ? '' : String(row[field])])) as Record<
    RateField,
    string
  >),
})

const toRate = (text: string) => (text.trim() === '' ? null : Number(text))

function toInput(form: FormState, isNew: boolean): SavePriceInput {
  return {
    model: form.model.trim(),
    isNew,
    input: toRate(form.input) ?? Number.NaN,
    cachedInput: toRate(form.cachedInput),
    output: toRate(form.output),
    batchInput: toRate(form.batchInput),
    batchCachedInput: toRate(form.batchCachedInput),
    batchOutput: toRate(form.batchOutput),
  }
}

/** Add a model's price (row null) or edit one; prices in USD per 1M tokens. */
export function PriceDialog({ row, onClose }: { row: PriceListRow | null; onClose: () => void }) {
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={row ? `Edit ${row.model}` : 'Add a price'}
      description="USD per 1M tokens. A model name, or a pattern such as llama* for every model it matches (0 for models you host yourself)."
      className="max-w-xl"
    >
      <PriceForm row={row} onDone={onClose} />
    </Dialog>
  )
}

function PriceForm({ row, onDone }: { row: PriceListRow | null; onDone: () => void }) {
  const id = useId()
  const {
    form,
    fields,
    update: change,
  } = useValidatedForm(
    () => initialState(row),
    FIELDS,
    (values) => zodFieldErrors(savePriceInput, toInput(values, row === null), FIELDS),
  )
  const save = useSavePrice()
  const input = toInput(form, row === null)
  const update = (field: Field, value: string) => change({ [field]: value }, field)
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!fields.submit()) return
    save.mutate(input, {
      onSuccess: (saved) => {
        toast.success(`Saved the price of ${saved.model}`)
        onDone()
      },
      onError: fields.refuse,
    })
  }
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={row ? `Edit ${row.model}` : 'Add a price'}>
      <TextField
        id={`${id}-model`}
        label="Model"
        value={form.model}
        readOnly={row !== null}
        placeholder="llama3.1* or gpt-4o-mini"
        autoComplete="off"
        onChange={(event) => update('model', event.target.value)}
        onBlur={() => fields.touch('model')}
        error={fields.shown('model')}
        hint={row ? undefined : 'Dated snapshots (gpt-4o-mini-2024-07-18) use their model’s price unless they have their own.'}
      />
      <div className="grid gap-4 sm:grid-cols-3">
        {RATE_FIELDS.map((field) => (
          <TextField
            key={field}
            id={`${id}-${field}`}
            label={LABELS[field].label}
            inputMode="decimal"
            value={form[field]}
            onChange={(event) => update(field, event.target.value)}
            onBlur={() => fields.touch(field)}
            error={fields.shown(field)}
            hint={LABELS[field].hint}
          />
        ))}
      </div>
      <FormFooter error={fields.general} pending={save.isPending} submitLabel={row ? 'Save price' : 'Add price'} onCancel={onDone} />
    </form>
  )
}
