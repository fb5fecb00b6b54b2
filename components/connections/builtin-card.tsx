'use client'

import { ChevronRight, Cpu, Gauge } from 'lucide-react'
import Link from 'next/link'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { batchLimitsOf } from '@/lib/connections/limits'
import { formatLimitBytes, formatNumber } from '@/lib/format'
import type { ConnectionSummary } from '@/lib/types'
import { BuiltinLimitsDialog } from './builtin-limits-dialog'

/** The built-in engine on Connections: what it is, its job limits (editable here), and the way to its upstreams. */
export function BuiltinCard({ connection }: { connection: ConnectionSummary }) {
  // A new key per opening gives the form fresh state each time.
  const [editing, setEditing] = useState<number | null>(null)
  const limits = batchLimitsOf(connection)
  const tokens = Object.entries(connection.enqueuedTokenLimits ?? {})
  return (
    <li aria-label={connection.name} className={cn(PANEL, 'p-4')}>
      <div className="flex items-center gap-2">
        <Cpu aria-hidden className="size-4 text-accent" />
        <h2 className="font-medium">{connection.name}</h2>
        <span className="ml-auto rounded-full bg-subtle px-2 py-0.5 text-xs text-muted">Default</span>
      </div>
      <p className="mt-2 text-sm text-muted">Runs batch files itself against OpenAI-compatible servers (Ollama, vLLM, llama.cpp) or the simulator.</p>
      <p className="mt-2 text-xs text-muted" data-testid="builtin-limits">
        Jobs: at most {formatNumber(limits.maxRequests)} requests and {formatLimitBytes(limits.maxBytes)} per batch
        {tokens.length > 0
          ? `; enqueued tokens ${tokens.map(([pattern, count]) => `${pattern} ${formatNumber(count)}`).join(', ')}`
          : '; no enqueued-token limit'}
        .
      </p>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-muted">{formatNumber(connection.batchCount)} batches</p>
        <div className="flex items-center gap-3">
          <Button variant="secondary" size="sm" onClick={() => setEditing(Date.now())}>
            <Gauge aria-hidden className="size-4" />
            Limits
          </Button>
          <Link href="/connections/builtin" className="inline-flex items-center gap-0.5 text-sm font-medium text-accent hover:underline">
            Upstreams and simulator
            <ChevronRight aria-hidden className="size-4" />
          </Link>
        </div>
      </div>
      {editing !== null ? (
        <BuiltinLimitsDialog key={editing} open onOpenChange={(next) => (next ? undefined : setEditing(null))} connection={connection} />
      ) : null}
    </li>
  )
}
