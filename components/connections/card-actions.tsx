'use client'

import { Pencil, PlugZap, Trash2 } from 'lucide-react'
import { useState, type ReactNode } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'

type Deletion = {
  pending: boolean
  error: string | undefined
  /** Deletes, calling `done` once it succeeded. */
  run: (done: () => void) => void
  reset: () => void
}

/**
 * Test, Edit and Delete for a connection or an upstream card. Read-only ones (set by the environment) only test;
 * Delete asks first, with `children` saying what goes with it.
 */
export function CardActions(props: {
  name: string
  kind: string
  testLabel: string
  testing: boolean
  onTest: () => void
  readOnly: boolean
  onEdit: () => void
  deletion: Deletion
  children: ReactNode
}) {
  const { name, kind, testLabel, testing, onTest, readOnly, onEdit, deletion, children } = props
  const [confirming, setConfirming] = useState(false)
  return (
    <>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" onClick={onTest} disabled={testing} aria-label={`Test ${name}`}>
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
          if (!open) deletion.reset()
        }}
        title={`Delete ${name}?`}
        confirmLabel={deletion.pending ? 'Deleting…' : `Delete ${kind}`}
        pending={deletion.pending}
        error={deletion.error}
        onConfirm={() => deletion.run(() => setConfirming(false))}
      >
        {children}
      </ConfirmDialog>
    </>
  )
}
