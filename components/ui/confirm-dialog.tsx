'use client'

import * as AlertDialog from '@radix-ui/react-alert-dialog'
import { CircleAlert } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from './button'

type ConfirmDialogProps = {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  pending?: boolean
  /** Shown verbatim inside the dialog, which stays open so the user can read it. */
  error?: string | null
  tone?: 'danger' | 'primary'
}

/** Asks before an action that cannot be undone. The confirm button is not an Action: the dialog closes only once the action succeeded. */
export function ConfirmDialog({ open, onOpenChange, title, children, confirmLabel, onConfirm, pending = false, error, tone = 'danger' }: ConfirmDialogProps) {
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => (pending ? undefined : onOpenChange(next))}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/40 backdrop-blur-[1px]" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl border border-border bg-surface p-5 text-foreground shadow-xl focus:outline-none">
          <AlertDialog.Title className="text-base font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 text-sm text-muted">{children}</div>
          </AlertDialog.Description>
          {error ? (
            <p role="alert" className="mt-4 flex items-start gap-2 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm">
              <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
              <span>{error}</span>
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary" disabled={pending}>
                {error ? 'Close' : 'Cancel'}
              </Button>
            </AlertDialog.Cancel>
            <Button variant={tone} onClick={onConfirm} disabled={pending}>
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  )
}
