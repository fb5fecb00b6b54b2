'use client'

import { Plus, Server } from 'lucide-react'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { useEngineUpstreams } from '@/lib/queries/upstreams'
import type { UpstreamSummary } from '@/lib/types'
import { ModelRouteCheck } from './model-route'
import { SimulatorCard } from './simulator-card'
import { UpstreamCard } from './upstream-card'
import { UpstreamDialog } from './upstream-dialog'

/** Connections → Built-in engine: the upstreams it sends lines to, the simulator, and which one takes a model. */
export function BuiltinEngine() {
  const { data, error, isPending, refetch } = useEngineUpstreams()
  // A new key per opening gives the form fresh state each time.
  const [editing, setEditing] = useState<{ upstream: UpstreamSummary | null; key: number } | null>(null)
  const open = (upstream: UpstreamSummary | null) => setEditing({ upstream, key: Date.now() })

  const addButton = (
    <Button onClick={() => open(null)}>
      <Plus aria-hidden className="size-4" />
      Add upstream
    </Button>
  )

  let body
  if (isPending) body = <ListSkeleton rows={3} label="Loading upstreams" />
  else if (error) body = <ErrorNotice title="Could not load upstreams" message={error.message} onRetry={() => void refetch()} />
  else
    body = (
      <div className="space-y-4">
        {data.upstreams.length === 0 ? (
          <EmptyState icon={Server} title="No upstreams yet" action={addButton}>
            Every model goes to the simulator until you add one: Ollama, vLLM, llama.cpp, LM Studio, or any server with an OpenAI-compatible
            /v1/chat/completions. Upstreams can also be set with BATCHBOARD_UPSTREAMS.
          </EmptyState>
        ) : null}
        <ul className="grid gap-3 lg:grid-cols-2">
          {data.upstreams.map((upstream) => (
            <UpstreamCard key={upstream.id} upstream={upstream} onEdit={() => open(upstream)} />
          ))}
          <SimulatorCard simulator={data.simulator} />
        </ul>
      </div>
    )

  return (
    <div className="space-y-6">
      <ModelRouteCheck />
      <section aria-labelledby="upstreams-heading" className="space-y-3">
        <div className="flex items-center justify-between gap-4">
          <h2 id="upstreams-heading" className="text-base font-semibold">
            Upstreams
          </h2>
          {data && data.upstreams.length > 0 ? addButton : null}
        </div>
        {body}
      </section>
      {editing ? <UpstreamDialog key={editing.key} open onOpenChange={(next) => (next ? undefined : setEditing(null))} upstream={editing.upstream} /> : null}
    </div>
  )
}
