'use client'

import { CircleAlert, Pencil, PlugZap, Trash2 } from 'lucide-react'
import { useState, type ReactNode } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { formatNumber } from '@/lib/format'

/** A card's Test or Delete mutation (TanStack Query), called with the card's id. */
type IdMutation = {
  isPending: boolean
  error: Error | null
  mutate: (id: string, options?: { onSuccess?: () => void }) => void
  reset: () => void
}

/** A Test that reached no usable answer: how long it took and the exact error (never a key). */
export function TestFailed({ latencyMs, message }: { latencyMs: number; message: string }) {
  return (
    <div role="alert" className="flex items-start gap-2 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm">
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
      <div className="min-w-0">
        <p className="font-medium">Test failed after {formatNumber(latencyMs)} ms</p>
        <p className="mt-0.5 font-mono text-xs break-words">{message}</p>
      </div>
    </div>
  )
}

/**
 * The last Test's outcome (or why it could not run), then Test, Edit and Delete for a connection or an upstream card. Read-only ones (set by the environment) only test;
 * Delete asks first, with `children` saying what goes with it.
 */
export function CardActions(props: {
  id: string
  name: string
  kind: string
  testLabel: string
  test: IdMutation
  /** The last Test's outcome, rendered by the card; the test's own error when the action itself failed. */
  outcome: ReactNode
  readOnly: boolean
  onEdit: () => void
  remove: IdMutation
  children: ReactNode
}) {
  const { id, name, kind, testLabel, test, outcome, readOnly, onEdit, remove, children } = props
  const testing = test.isPending
  const testError = test.error?.message
  const [confirming, setConfirming] = useState(false)
  return (
    <>
      {outcome ? (
        <div className="mt-3">{outcome}</div>
      ) : testError ? (
        <p role="alert" className="mt-3 text-sm text-danger">
          {testError}
        </p>
      ) : null}
      <div className="mt-4 flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" onClick={() => test.mutate(id)} disabled={testing} aria-label={`Test ${name}`}>
          <PlugZap aria-hidden className="size-3.5" />
          {testing ? 'Testing…' : testLabel}
        </Button>
        {readOnly ? null : (
          <>
            <Button variant="secondary" size="sm" onClick={onEdit} aria-label={`Edit ${name}`}>
              <Pencil aria-hidden className="size-3.5" />
              Edit
            </Button>
            <Button variant="ghost" size="sm" className="text-danger" onClick={() => setConfirming(true)} aria-label={`Delete ${name}`}>
              <Trash2 aria-hidden className="size-3.5" />
              Delete
            </Button>
          </>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open)
          if (!open) remove.reset()
        }}
        title={`Delete ${name}?`}
        confirmLabel={remove.isPending ? 'Deleting…' : `Delete ${kind}`}
        pending={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => remove.mutate(id, { onSuccess: () => setConfirming(false) })}
      >
        {children}
      </ConfirmDialog>
    </>
  )
}
