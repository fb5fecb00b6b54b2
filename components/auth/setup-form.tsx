'use client'

import { ShieldCheck } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { TextField } from '@/components/ui/input'
import { useFieldErrors, zodFieldErrors } from '@/components/ui/use-field-errors'
import { useSetup } from '@/lib/queries/auth'
import { PASSWORD_MIN_LENGTH, setupInput } from '@/lib/validations/auth'
import { AuthSubmit } from './auth-card'

const FIELDS = ['password', 'confirm'] as const

export function SetupForm() {
  const [values, setValues] = useState({ password: '', confirm: '' })
  const setup = useSetup()
  const fields = useFieldErrors(FIELDS, zodFieldErrors(setupInput, values, FIELDS))
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (fields.submit()) setup.mutate(values, { onError: fields.refuse })
  }
  const field = (name: (typeof FIELDS)[number]) => ({
    value: values[name],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [name]: event.target.value }))
      fields.changed(name)
    },
    error: fields.shown(name),
  })
  const busy = setup.isPending || setup.isSuccess
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Create the admin password">
      <TextField
        id="setup-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        autoFocus
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. Batchboard keeps only a scrypt hash of it.`}
        {...field('password')}
      />
      <TextField id="setup-confirm" label="Repeat the password" type="password" autoComplete="new-password" {...field('confirm')} />
      <AuthSubmit
        general={fields.general}
        busy={busy}
        icon={<ShieldCheck aria-hidden className="size-4" />}
        label="Create password and log in"
        busyLabel="Saving…"
      />
    </form>
  )
}
