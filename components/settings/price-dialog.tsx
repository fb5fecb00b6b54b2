'use client'

import { useId } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useSavePrice } from '@/lib/queries/prices'
import type { PriceListRow } from '@/lib/types'
import { savePriceInput, type SavePriceInput } from '@/lib/validations/prices'

const RATE_FIELDS = ['input', 'cachedInput', 'output', 'batchInput', 'batchCachedInput', 'batchOutput'] as const
type RateField = (typeof RATE_FIELDS)[number]
type FormState = Record<'model' | RateField, string>

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
  const form = useZodForm({ schema: savePriceInput, defaultValues: initialState(row), toInput: (values: FormState) => toInput(values, row === null) })
  const save = useSavePrice()
  const onSubmit = form.handleSubmit(() =>
    save.mutate(form.toInput(), {
      onSuccess: (saved) => {
        toast.success(`Saved the price of ${saved.model}`)
        onDone()
      },
      onError: form.refuse,
    }),
  )
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={row ? `Edit ${row.model}` : 'Add a price'}>
      <TextField
        id={`${id}-model`}
        label="Model"
        {...form.register('model')}
        readOnly={row !== null}
        placeholder="llama3.1* or gpt-4o-mini"
        autoComplete="off"
        error={form.errorOf('model')}
        hint={row ? undefined : 'Dated snapshots (gpt-4o-mini-2024-07-18) use their model’s price unless they have their own.'}
      />
      <div className="grid gap-4 sm:grid-cols-3">
        {RATE_FIELDS.map((field) => (
          <TextField
            key={field}
            id={`${id}-${field}`}
            label={LABELS[field].label}
            inputMode="decimal"
            {...form.register(field)}
            error={form.errorOf(field)}
            hint={LABELS[field].hint}
          />
        ))}
      </div>
      <FormFooter error={form.general} pending={save.isPending} submitLabel={row ? 'Save price' : 'Add price'} onCancel={onDone} />
    </form>
  )
}
