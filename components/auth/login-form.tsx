'use client'

import { LogIn } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { TextField } from '@/components/ui/input'
import { useFieldErrors, zodFieldErrors } from '@/components/ui/use-field-errors'
import { useLogin } from '@/lib/queries/auth'
import { loginInput } from '@/lib/validations/auth'
import { AuthSubmit } from './auth-card'

const FIELDS = ['password'] as const

export function LoginForm({ next }: { next: string }) {
  const [password, setPassword] = useState('')
  const login = useLogin(next)
  const fields = useFieldErrors(FIELDS, zodFieldErrors(loginInput, { password }, FIELDS))
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (fields.submit()) login.mutate({ password }, { onError: fields.refuse })
  }
  // A successful login keeps the button busy until the next page has loaded.
  const busy = login.isPending || login.isSuccess
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Log in">
      <TextField
        id="login-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(event) => {
          setPassword(event.target.value)
          fields.changed()
        }}
        error={fields.shown('password')}
      />
      <AuthSubmit general={fields.general} busy={busy} icon={<LogIn aria-hidden className="size-4" />} label="Log in" busyLabel="Logging in…" />
    </form>
  )
}
