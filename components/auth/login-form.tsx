'use client'

import { LogIn } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { Button } from '@/components/ui/button'
import { TextField } from '@/components/ui/input'
import { useFieldErrors, zodFieldErrors } from '@/components/ui/use-field-errors'
import { useLogin } from '@/lib/queries/auth'
import { loginInput } from '@/lib/validations/auth'

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
      {fields.general ? (
        <p role="alert" className="text-sm text-danger">
          {fields.general}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={busy}>
        <LogIn aria-hidden className="size-4" />
        {busy ? 'Logging in…' : 'Log in'}
      </Button>
    </form>
  )
}
