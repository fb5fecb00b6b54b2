'use client'

import { LogIn } from 'lucide-react'
import { TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useLogin } from '@/lib/queries/auth'
import { loginInput, type LoginInput } from '@/lib/validations/auth'
import { AuthSubmit } from './auth-card'

export function LoginForm({ next }: { next: string }) {
  const login = useLogin(next)
  const form = useZodForm({ schema: loginInput, defaultValues: { password: '' }, toInput: (values: LoginInput) => values })
  const onSubmit = form.handleSubmit((values) => login.mutate(values, { onError: form.refuse }))
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
        {...form.register('password')}
        error={form.errorOf('password')}
      />
      <AuthSubmit general={form.general} busy={busy} icon={<LogIn aria-hidden className="size-4" />} label="Log in" busyLabel="Logging in…" />
    </form>
  )
}
