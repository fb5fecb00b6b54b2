'use client'

import { Ban, Copy, Trash2 } from 'lucide-react'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { isTerminal } from '@/lib/batch'
import { useCancelBatch, useDeleteBatch } from '@/lib/queries/batches'
import type { BatchDetail } from '@/lib/types'

const CANCELLABLE = new Set(['validating', 'in_progress', 'finalizing'])

/** Cancel (asks first), clone into a new batch, and delete Batchboard's record of a finished batch (asks first). */
export function BatchActions({ batch }: { batch: BatchDetail }) {
  const router = useRouter()
  const cancel = useCancelBatch(batch.id)
  const remove = useDeleteBatch(batch.id)
  const [confirming, setConfirming] = useState<'cancel' | 'delete' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const name = batch.description ?? batch.id

  function open(which: 'cancel' | 'delete') {
    setError(null)
    setConfirming(which)
  }

  function confirmCancel() {
    cancel.mutate(undefined, {
      onSuccess: ({ status }) => {
        setConfirming(null)
        toast.success(status === 'cancelled' ? 'Batch cancelled' : 'Cancelling the batch', {
          description: 'Lines already done are kept; the rest are written to the error file as cancelled.',
        })
      },
      // The server's refusal (e.g. a batch that finished meanwhile: 409), word for word.
      onError: (failure) => setError(failure.message),
    })
  }

  function confirmDelete() {
    remove.mutate(undefined, {
      onSuccess: () => {
        setConfirming(null)
        toast.success('Batch record deleted', { description: `${name} is gone from Batchboard; its files are still in Files.` })
        router.push('/')
      },
      onError: (failure) => setError(failure.message),
    })
  }

  const canClone = batch.inputFile.id !== null
  return (
    <>
      {CANCELLABLE.has(batch.status) ? (
        <Button variant="secondary" onClick={() => open('cancel')}>
          <Ban aria-hidden className="size-4" />
          Cancel batch
        </Button>
      ) : null}
      {canClone ? (
        <Button asChild variant="secondary">
          <Link href={`/batches/new?file=${encodeURIComponent(batch.inputFile.id!)}&clone=${encodeURIComponent(batch.id)}`}>
            <Copy aria-hidden className="size-4" />
            Clone
          </Link>
        </Button>
      ) : null}
      {isTerminal(batch.status) ? (
        <Button variant="secondary" className="text-danger" onClick={() => open('delete')}>
          <Trash2 aria-hidden className="size-4" />
          Delete record
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming === 'cancel'}
        onOpenChange={(next) => setConfirming(next ? 'cancel' : null)}
        title="Cancel this batch?"
        confirmLabel="Cancel batch"
        onConfirm={confirmCancel}
        pending={cancel.isPending}
        error={error}
      >
        <p>
          <span className="font-medium text-foreground">{name}</span> stops taking new lines. Lines already done stay in the output and error files;
          the lines not run are written to the error file as cancelled. This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'delete'}
        onOpenChange={(next) => setConfirming(next ? 'delete' : null)}
        title="Delete this batch record?"
        confirmLabel="Delete record"
        onConfirm={confirmDelete}
        pending={remove.isPending}
        error={error}
      >
        <p>
          Batchboard forgets <span className="font-medium text-foreground">{name}</span>
          {batch.connectionKind === 'builtin' ? ' and the engine’s run state for it' : ''}. Its input, output and error files are not deleted: they
          stay in Files.
          {batch.connectionKind === 'builtin' ? '' : ' The batch on the provider is not touched.'}
        </p>
      </ConfirmDialog>
    </>
  )
}
