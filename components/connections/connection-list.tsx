'use client'

import { Plug, Plus } from 'lucide-react'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { useConnections } from '@/lib/queries/connections'
import type { ConnectionSummary } from '@/lib/types'
import { BuiltinCard } from './builtin-card'
import { ConnectionCard } from './connection-card'
import { ConnectionDialog } from './connection-dialog'

export function ConnectionList() {
  const { data, error, isPending, refetch } = useConnections()
  // A new key per opening gives the form fresh state each time.
  const [editing, setEditing] = useState<{ connection: ConnectionSummary | null; key: number } | null>(null)
  const open = (connection: ConnectionSummary | null) => setEditing({ connection, key: Date.now() })

  if (isPending) return <ListSkeleton rows={2} label="Loading connections" />
  if (error) return <ErrorNotice title="Could not load connections" message={error.message} onRetry={() => void refetch()} />
  const builtin = data.filter((connection) => connection.kind === BUILTIN_CONNECTION_KIND)
  const remote = data.filter((connection) => connection.kind !== BUILTIN_CONNECTION_KIND)
  const addButton = (
    <Button onClick={() => open(null)}>
      <Plus aria-hidden className="size-4" />
      Add connection
    </Button>
  )
  return (
    <div className="space-y-6">
      <ul className="grid gap-3 sm:grid-cols-2">
        {builtin.map((connection) => (
          <BuiltinCard key={connection.id} connection={connection} />
        ))}
      </ul>
      <section aria-labelledby="remote-connections-heading" className="space-y-3">
        <div className="flex items-center justify-between gap-4">
          <h2 id="remote-connections-heading" className="text-base font-semibold">
            OpenAI and compatible batch APIs
          </h2>
          {remote.length > 0 ? addButton : null}
        </div>
        {remote.length === 0 ? (
          <EmptyState icon={Plug} title="No OpenAI connections yet" action={addButton}>
            Add one for OpenAI or any server with OpenAI&apos;s /v1/files and /v1/batches (Azure OpenAI, Groq, a LiteLLM proxy, another Batchboard), or set
            OPENAI_API_KEY and restart. Until then, batches run on the built-in engine.
          </EmptyState>
        ) : (
          <ul className="grid gap-3 lg:grid-cols-2">
            {remote.map((connection) => (
              <ConnectionCard key={connection.id} connection={connection} onEdit={() => open(connection)} />
            ))}
          </ul>
        )}
      </section>
      {editing ? (
        <ConnectionDialog key={editing.key} open onOpenChange={(next) => (next ? undefined : setEditing(null))} connection={editing.connection} />
      ) : null}
    </div>
  )
}
