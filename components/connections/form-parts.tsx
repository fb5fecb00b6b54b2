'use client'

import type { ComponentProps, ReactNode } from 'react'
import { toast } from 'sonner'
import { Dialog } from '@/components/ui/dialog'
import { StoredSecretField, TextField } from '@/components/ui/input'

type EditDialogProps = {
  open: boolean
  onOpenChange: (open: boolean) => void
  /** The name of what is edited; null when adding. */
  editing: string | null
  /** "Add a connection", "Add an upstream". */
  addTitle: string
  description: ReactNode
  children: ReactNode
}

/** The dialog that adds or edits one connection or upstream; its form is remounted per use by the parent. */
export function EditDialog({ open, onOpenChange, editing, addTitle, description, children }: EditDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={editing ? `Edit ${editing}` : addTitle} description={description} className="max-w-xl">
      {children}
    </Dialog>
  )
}

/** The toast a saved form shows: "Added x" or "Saved x". */
export const toastSaved = (adding: boolean, name: string) => toast.success(adding ? `Added ${name}` : `Saved ${name}`)

export type FieldSpec = ComponentProps<typeof TextField>

/** Text fields side by side (two columns from small screens up): one spec per field. */
export function FieldRow({ fields }: { fields: FieldSpec[] }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {fields.map((field) => (
        <TextField key={field.id} {...field} />
      ))}
    </div>
  )
}

type StoredKeyFieldProps = Omit<ComponentProps<typeof StoredSecretField>, 'hasStored' | 'removeLabel' | 'label' | 'placeholder'> & {
  /** The stored key's last 4 characters; null when none is stored. */
  keyHint: string | null | undefined
  /** Shown when no key is stored ("sk-…", "None"). */
  emptyPlaceholder: string
}

/** An API key, write-only: its stored hint, "leave empty to keep", and a box to remove it. */
export function StoredKeyField({ keyHint, emptyPlaceholder, ...field }: StoredKeyFieldProps) {
  return (
    <StoredSecretField
      label="API key"
      placeholder={keyHint ? `•••• ${keyHint} (leave empty to keep)` : emptyPlaceholder}
      hasStored={Boolean(keyHint)}
      removeLabel={`Remove the stored key (•••• ${keyHint})`}
      {...field}
    />
  )
}
