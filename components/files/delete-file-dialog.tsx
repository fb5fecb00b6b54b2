'use client'

import { toast } from 'sonner'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { useDeleteFile } from '@/lib/queries/files'

type DeleteFileDialogProps = {
  file: { id: string; filename: string }
  open: boolean
  onOpenChange: (open: boolean) => void
  onDeleted?: () => void
}

/** Confirms a delete; when the server refuses (a running batch still needs the file), its message is shown as is. */
export function DeleteFileDialog({ file, open, onOpenChange, onDeleted }: DeleteFileDialogProps) {
  const deletion = useDeleteFile()
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        if (next) deletion.reset()
        onOpenChange(next)
      }}
      title={`Delete ${file.filename}?`}
      confirmLabel={deletion.isPending ? 'Deleting…' : 'Delete file'}
      pending={deletion.isPending}
      error={deletion.error?.message}
      onConfirm={() =>
        deletion.mutate(file.id, {
          onSuccess: () => {
            toast.success(`Deleted ${file.filename}`)
            onOpenChange(false)
            onDeleted?.()
          },
        })
      }
    >
      The file and its bytes are removed from Batchboard. This cannot be undone; batches that used it keep their results.
    </ConfirmDialog>
  )
}
