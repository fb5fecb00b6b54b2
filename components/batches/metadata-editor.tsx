import { Plus, X } from 'lucide-react'
import { useFieldArray, useWatch, type Control, type UseFormRegister } from 'react-hook-form'
import { Button } from '@/components/ui/button'
import { cn } from '@/components/ui/cn'
import { Input } from '@/components/ui/input'
import { METADATA_MAX_KEY, METADATA_MAX_PAIRS, METADATA_MAX_VALUE } from '@/lib/validations/batches'
import type { NewBatchValues } from './new-batch-values'

type MetadataEditorProps = {
  control: Control<NewBatchValues>
  register: UseFormRegister<NewBatchValues>
  errorOf: (field: `metadata.${number}.key` | `metadata.${number}.value` | 'metadata') => string | null
  /** Pairs counted against the limit: the rows, and the description when there is one. */
  used: number
}

/** The batch's metadata as key–value rows, each checked as you type against OpenAI's limits. */
export function MetadataEditor({ control, register, errorOf, used }: MetadataEditorProps) {
  const rows = useFieldArray({ control, name: 'metadata' })
  const listError = errorOf('metadata')
  return (
    <fieldset className="space-y-2">
      <div className="flex items-baseline justify-between gap-3">
        <legend className="text-sm font-medium">Metadata</legend>
        <span className={cn('text-xs tabular-nums', listError ? 'text-danger' : 'text-muted')}>
          {used} of {METADATA_MAX_PAIRS} pairs
        </span>
      </div>
      <p className="text-xs text-muted">
        Optional key–value pairs kept with the batch: keys up to {METADATA_MAX_KEY} characters, values up to {METADATA_MAX_VALUE}.
      </p>
      {rows.fields.length > 0 ? (
        <ul className="space-y-2">
          {rows.fields.map((row, index) => (
            <MetadataRow
              key={row.id}
              index={index}
              register={register}
              keyError={errorOf(`metadata.${index}.key`)}
              valueError={errorOf(`metadata.${index}.value`)}
              control={control}
              onRemove={() => rows.remove(index)}
            />
          ))}
        </ul>
      ) : null}
      {listError ? <p className="text-xs text-danger">{listError}</p> : null}
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() => rows.append({ key: '', value: '' }, { shouldFocus: false })}
        disabled={used >= METADATA_MAX_PAIRS}
      >
        <Plus aria-hidden className="size-4" />
        Add metadata
      </Button>
    </fieldset>
  )
}

type MetadataRowProps = {
  index: number
  control: Control<NewBatchValues>
  register: UseFormRegister<NewBatchValues>
  keyError: string | null
  valueError: string | null
  onRemove: () => void
}

function MetadataRow({ index, control, register, keyError, valueError, onRemove }: MetadataRowProps) {
  const n = index + 1
  const { key, value } = useWatch({ control, name: `metadata.${index}` })
  return (
    <li className="space-y-1">
      <div className="flex items-start gap-2">
        <Input
          aria-label={`Metadata key ${n}`}
          aria-invalid={Boolean(keyError)}
          aria-describedby={keyError ? `metadata-${index}-key-error` : undefined}
          {...register(`metadata.${index}.key`)}
          placeholder="key"
          className="w-2/5 font-mono"
        />
        <Input
          aria-label={`Metadata value ${n}`}
          aria-invalid={Boolean(valueError)}
          aria-describedby={valueError ? `metadata-${index}-value-error` : undefined}
          {...register(`metadata.${index}.value`)}
          placeholder="value"
          className="flex-1"
        />
        <Button type="button" variant="ghost" size="icon" aria-label={`Remove metadata pair ${n}`} onClick={onRemove}>
          <X aria-hidden className="size-4" />
        </Button>
      </div>
      {keyError ? (
        <p id={`metadata-${index}-key-error`} className="text-xs text-danger">
          Key {n}: {keyError} ({key.length}/{METADATA_MAX_KEY}).
        </p>
      ) : null}
      {valueError ? (
        <p id={`metadata-${index}-value-error`} className="text-xs text-danger">
          Value {n}: {valueError} ({value.length}/{METADATA_MAX_VALUE}).
        </p>
      ) : null}
    </li>
  )
}
