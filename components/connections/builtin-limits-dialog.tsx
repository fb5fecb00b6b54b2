'use client'

import { useId } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { FormFooter } from '@/components/ui/form-footer'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useSaveBuiltinLimits } from '@/lib/queries/connections'
import type { ConnectionSummary } from '@/lib/types'
import { connectionLimitsInput } from '@/lib/validations/connections'
import { LimitFields, limitFieldOf, limitValues, toLimitsInput, type LimitValues } from './limit-fields'

type BuiltinLimitsDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; connection: ConnectionSummary }

/** The built-in engine's job limits. The parent remounts it per use, for fresh state. */
export function BuiltinLimitsDialog({ open, onOpenChange, connection }: BuiltinLimitsDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Built-in engine limits"
      description="A file over them runs as a job of several batches; a job keeps at most the enqueued tokens per model waiting at once."
      className="max-w-xl"
    >
      <LimitsForm connection={connection} onDone={() => onOpenChange(false)} />
    </Dialog>
  )
}

function LimitsForm({ connection, onDone }: { connection: ConnectionSummary; onDone: () => void }) {
  const id = useId()
  const save = useSaveBuiltinLimits()
  const form = useZodForm({ schema: connectionLimitsInput, defaultValues: limitValues(connection), toInput: toLimitsInput, fieldOf: limitFieldOf })
  const onSubmit = form.handleSubmit(() =>
    save.mutate(form.toInput(), {
      onSuccess: () => {
        toast.success('Saved the built-in engine’s limits')
        onDone()
      },
      onError: form.refuse,
    }),
  )
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <LimitFields id={id} kind={connection.kind} register={form.register} errorOf={(field: keyof LimitValues) => form.errorOf(field)} />
      <FormFooter error={form.general} pending={save.isPending} submitLabel="Save limits" onCancel={onDone} />
    </form>
  )
}
