'use client'

import { KeyRound, TriangleAlert } from 'lucide-react'
import { useId, useState } from 'react'
import { PANEL } from '@/components/ui/card'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { CopyButton } from '@/components/ui/copy-button'
import { Dialog } from '@/components/ui/dialog'
import { ErrorNotice } from '@/components/ui/error-notice'
import { TextField } from '@/components/ui/input'
import { ListSkeleton } from '@/components/ui/skeleton'
import { useZodForm } from '@/components/ui/use-zod-form'
import { formatDateTime, formatRelative } from '@/lib/format'
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '@/lib/queries/api-keys'
import type { ApiKeySummary, CreatedApiKey } from '@/lib/types'
import { createApiKeyInput, type CreateApiKeyInput } from '@/lib/validations/api-keys'

function NewKeyDialog({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`API key “${created.name}” created`}
      description="Copy it now: this is the only time it is shown."
    >
      <div className="space-y-4">
        <div className="flex items-center gap-2">
          <code
            aria-label="New API key"
            className="min-w-0 flex-1 rounded-md border border-border bg-background px-3 py-2 font-mono text-sm break-all select-all"
          >
            {created.key}
          </code>
          <CopyButton text={created.key} label="Copy key" variant="primary" />
        </div>
        <p className="flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/10 p-3 text-sm">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
          <span>Batchboard keeps only a hash of this key, so it cannot show it again. If you lose it, revoke it and create another.</span>
        </p>
        <div className="flex justify-end border-t border-border pt-4">
          <Button onClick={onClose}>Done</Button>
        </div>
      </div>
    </Dialog>
  )
}

function CreateKeyForm() {
  const id = useId()
  const create = useCreateApiKey()
  const form = useZodForm({ schema: createApiKeyInput, defaultValues: { name: '' }, toInput: (values: CreateApiKeyInput) => values })
  const onSubmit = form.handleSubmit(({ name }) => create.mutate(name, { onSuccess: () => form.reset(), onError: form.refuse }))
  return (
    <>
      <form noValidate onSubmit={onSubmit} className="flex flex-wrap items-start gap-2" aria-label="Create an API key">
        <TextField
          id={`${id}-name`}
          label="Name"
          {...form.register('name')}
          placeholder="nightly-eval script"
          autoComplete="off"
          error={form.errorOf('name') ?? form.general}
          className="w-full max-w-xs"
        />
        <Button type="submit" className="mt-7" disabled={create.isPending}>
          <KeyRound aria-hidden className="size-4" />
          {create.isPending ? 'Creating…' : 'Create key'}
        </Button>
      </form>
      {create.data ? <NewKeyDialog created={create.data} onClose={() => create.reset()} /> : null}
    </>
  )
}

function KeyRow({ apiKey }: { apiKey: ApiKeySummary }) {
  const [confirming, setConfirming] = useState(false)
  const revoke = useRevokeApiKey()
  return (
    <tr className="border-t border-border">
      <td className="px-5 py-2.5 font-medium">{apiKey.name}</td>
      <td className="px-3 py-2.5 font-mono text-xs text-muted">{apiKey.prefix}…</td>
      <td className="px-3 py-2.5 text-muted" title={formatDateTime(apiKey.createdAt)}>
        {formatRelative(apiKey.createdAt)}
      </td>
      <td className="px-3 py-2.5 text-muted" title={apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : undefined}>
        {apiKey.lastUsedAt ? formatRelative(apiKey.lastUsedAt) : 'Never'}
      </td>
      <td className="px-5 py-2.5 text-right">
        {apiKey.revokedAt ? (
          <span className="rounded-full bg-subtle px-2 py-0.5 text-xs text-muted" title={formatDateTime(apiKey.revokedAt)}>
            Revoked
          </span>
        ) : (
          <Button variant="ghost" size="sm" className="text-danger" onClick={() => setConfirming(true)} aria-label={`Revoke ${apiKey.name}`}>
            Revoke
          </Button>
        )}
        <ConfirmDialog
          open={confirming}
          onOpenChange={(open) => {
            setConfirming(open)
            if (!open) revoke.reset()
          }}
          title={`Revoke “${apiKey.name}”?`}
          confirmLabel={revoke.isPending ? 'Revoking…' : 'Revoke key'}
          pending={revoke.isPending}
          error={revoke.error?.message}
          onConfirm={() => revoke.mutate(apiKey.id, { onSuccess: () => setConfirming(false) })}
        >
          Requests with this key ({apiKey.prefix}…) are refused from now on. This cannot be undone.
        </ConfirmDialog>
      </td>
    </tr>
  )
}

/** Settings → API keys: keys for the /v1 API, shown once when created and stored only as a hash. */
export function ApiKeys() {
  const { data, error, isPending, refetch } = useApiKeys()
  return (
    <section aria-labelledby="api-keys-heading" className={PANEL}>
      <div className="border-b border-border px-5 py-3">
        <h2 id="api-keys-heading" className="text-sm font-semibold">
          API keys
        </h2>
        <p className="mt-0.5 text-xs text-muted">For the /v1 API. Batchboard stores only a hash of each key and shows it once, when it is created.</p>
      </div>
      <div className="px-5 py-4">
        <CreateKeyForm />
      </div>
      {isPending ? (
        <div className="px-5 pb-4">
          <ListSkeleton rows={2} label="Loading API keys" />
        </div>
      ) : error ? (
        <div className="px-5 pb-4">
          <ErrorNotice title="Could not load API keys" message={error.message} onRetry={() => void refetch()} />
        </div>
      ) : data.keys.length === 0 ? (
        <p className="border-t border-border px-5 py-4 text-sm text-muted">No keys yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="API keys">
            <thead>
              <tr className="border-t border-border text-left text-xs text-muted">
                <th className="px-5 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Created</th>
                <th className="px-3 py-2 font-medium">Last used</th>
                <th className="px-5 py-2 text-right font-medium">
                  <span className="sr-only">Status</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.keys.map((apiKey) => (
                <KeyRow key={apiKey.id} apiKey={apiKey} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
