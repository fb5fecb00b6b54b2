'use client'

import { ChevronRight, Cpu, Plug } from 'lucide-react'
import Link from 'next/link'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatNumber } from '@/lib/format'
import { useConnections } from '@/lib/queries/connections'

export function ConnectionList() {
  const { data, error, isPending, refetch } = useConnections()
  if (isPending) return <ListSkeleton rows={2} label="Loading connections" />
  if (error) return <ErrorNotice title="Could not load connections" message={error.message} onRetry={() => void refetch()} />
  const remote = data.filter((connection) => connection.kind !== 'builtin')
  return (
    <div className="space-y-6">
      <ul className="grid gap-3 sm:grid-cols-2">
        {data.map((connection) => (
          <li key={connection.id} className="rounded-xl border border-border bg-surface p-4">
            <div className="flex items-center gap-2">
              {connection.kind === 'builtin' ? <Cpu aria-hidden className="size-4 text-accent" /> : <Plug aria-hidden className="size-4 text-accent" />}
              <h2 className="font-medium">{connection.name}</h2>
              {connection.kind === 'builtin' ? (
                <span className="ml-auto rounded-full bg-subtle px-2 py-0.5 text-xs text-muted">Default</span>
              ) : null}
            </div>
            <p className="mt-2 text-sm text-muted">
              {connection.kind === 'builtin'
                ? 'Runs batch files itself against OpenAI-compatible servers (Ollama, vLLM, llama.cpp) or the simulator.'
                : (connection.baseUrl ?? 'https://api.openai.com/v1')}
            </p>
            <div className="mt-3 flex items-center justify-between gap-2">
              <p className="text-xs text-muted">{formatNumber(connection.batchCount)} batches</p>
              {connection.kind === 'builtin' ? (
                <Link href="/connections/builtin" className="inline-flex items-center gap-0.5 text-sm font-medium text-accent hover:underline">
                  Upstreams and simulator
                  <ChevronRight aria-hidden className="size-4" />
                </Link>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {remote.length === 0 ? (
        <EmptyState icon={Plug} title="No OpenAI connections yet">
          Connections to OpenAI and OpenAI-compatible batch APIs (Azure OpenAI, Groq, a LiteLLM proxy) will appear here.
          Until you add one, batches run on the built-in engine.
        </EmptyState>
      ) : null}
    </div>
  )
}
