'use client'

import { ShieldCheck } from 'lucide-react'
import { TextField } from '@/components/ui/input'
import { useZodForm } from '@/components/ui/use-zod-form'
import { useSetup } from '@/lib/queries/auth'
import { PASSWORD_MIN_LENGTH, setupInput, type SetupInput } from '@/lib/validations/auth'
import { AuthSubmit } from './auth-card'

export function SetupForm() {
  const setup = useSetup()
  const form = useZodForm({ schema: setupInput, defaultValues: { password: '', confirm: '' }, toInput: (values: SetupInput) => values })
  const onSubmit = form.handleSubmit((values) => setup.mutate(values, { onError: form.refuse }))
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
        // The repeat is checked against it: a fixed password clears a "differ" already shown there.
        {...form.register('password', { deps: form.formState.errors.confirm ? ['confirm'] : [] })}
        error={form.errorOf('password')}
      />
      <TextField
        id="setup-confirm"
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        {...form.register('confirm')}
        error={form.errorOf('confirm')}
      />
      <AuthSubmit
        general={form.general}
        busy={busy}
        icon={<ShieldCheck aria-hidden className="size-4" />}
        label="Create password and log in"
        busyLabel="Saving…"
      />
    </form>
  )
}
