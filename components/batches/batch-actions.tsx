'use client'

import { Ban, Copy, Trash2 } from 'lucide-react'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { isTerminal } from '@/lib/batch'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { useCancelBatch, useDeleteBatch } from '@/lib/queries/batches'
import type { BatchDetail } from '@/lib/types'

const CANCELLABLE = new Set(['validating', 'in_progress', 'finalizing'])

/** Cancel (asks first), clone into a new batch, and delete Batchboard's record of a finished batch (asks first). */
export function BatchActions({ batch }: { batch: BatchDetail }) {
  const router = useRouter()
  const cancel = useCancelBatch(batch.id)
  const remove = useDeleteBatch(batch.id)
  const [confirming, setConfirming] = useState<'cancel' | 'delete' | 'delete-remote' | null>(null)
  const [alsoRemote, setAlsoRemote] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const name = batch.description ?? batch.id

  function open(which: 'cancel' | 'delete') {
    setError(null)
    setAlsoRemote(false)
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

  function confirmDelete(remote: boolean) {
    // Deleting on the provider cannot be undone there: it always takes a second, separate confirmation.
    if (remote && confirming !== 'delete-remote') {
      setError(null)
      setConfirming('delete-remote')
      return
    }
    remove.mutate(
      { remote },
      {
        onSuccess: ({ remoteFilesPending }) => {
          setConfirming(null)
          const pending = remoteFilesPending > 0 ? ` (${remoteFilesPending} will be retried)` : ''
          toast.success('Batch record deleted', {
            description: remote
              ? `${name} is gone from Batchboard and its files from ${batch.connectionName}${pending}; the local copies are still in Files.`
              : `${name} is gone from Batchboard; its files are still in Files.`,
          })
          router.push('/')
        },
        onError: (failure) => setError(failure.message),
      },
    )
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
          <span className="font-medium text-foreground">{name}</span> stops taking new lines. Lines already done stay in the output and error files; the lines
          not run are written to the error file as cancelled. This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'delete'}
        onOpenChange={(next) => setConfirming(next ? 'delete' : null)}
        title="Delete this batch record?"
        confirmLabel={alsoRemote ? 'Continue' : 'Delete record'}
        onConfirm={() => confirmDelete(alsoRemote)}
        pending={remove.isPending}
        error={error}
      >
        <p>
          Batchboard forgets <span className="font-medium text-foreground">{name}</span>
          {batch.connectionKind === BUILTIN_CONNECTION_KIND ? ' and the engine’s run state for it' : ''}. Its input, output and error files are not deleted:
          they stay in Files.
          {batch.connectionKind === BUILTIN_CONNECTION_KIND ? '' : ` The batch on ${batch.connectionName} is not touched.`}
        </p>
        {batch.connectionKind === BUILTIN_CONNECTION_KIND ? null : (
          <label className="mt-3 flex items-start gap-2 text-sm">
            <input type="checkbox" checked={alsoRemote} onChange={(event) => setAlsoRemote(event.target.checked)} className="mt-1 accent-[var(--accent)]" />
            <span>Also delete its input, output and error files on {batch.connectionName} (asks again)</span>
          </label>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'delete-remote'}
        onOpenChange={(next) => setConfirming(next ? 'delete-remote' : null)}
        title={`Delete the files on ${batch.connectionName} too?`}
        confirmLabel={`Delete on ${batch.connectionName}`}
        onConfirm={() => confirmDelete(true)}
        pending={remove.isPending}
        error={error}
      >
        <p>
          The provider’s copies of the input, output and error files of <span className="font-medium text-foreground">{name}</span> are deleted for good;
          scripts and other dashboards using them lose them. Batchboard’s local copies stay in Files. The provider keeps the batch object itself (OpenAI has no
          way to delete one).
        </p>
      </ConfirmDialog>
    </>
  )
}
