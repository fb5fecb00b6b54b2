'use client'

import { CircleCheck, KeyRound, Server } from 'lucide-react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { formatNumber } from '@/lib/format'
import { useDeleteUpstream, useTestUpstream } from '@/lib/queries/upstreams'
import type { UpstreamSummary, UpstreamTestResult } from '@/lib/types'
import { CardActions, TestFailed } from './card-actions'
import { CardHeading, SettingRow } from './card-parts'

export const formatTimeout = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${formatNumber(ms / 1000)} s`)

export function PatternList({ patterns }: { patterns: string[] }) {
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Model patterns">
      {patterns.map((pattern) => (
        <li key={pattern} className="rounded bg-subtle px-1.5 py-0.5 font-mono text-xs">
          {pattern}
        </li>
      ))}
    </ul>
  )
}

function TestOutcome({ result }: { result: UpstreamTestResult }) {
  if (result.ok) {
    return (
      <div role="status" className="flex items-start gap-2 rounded-lg border border-success/40 bg-success/5 p-3 text-sm">
        <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
        <div className="min-w-0">
          <p className="font-medium">
            Answered in {formatNumber(result.latencyMs)} ms with {formatNumber(result.models.length)} {result.models.length === 1 ? 'model' : 'models'}
          </p>
          {result.models.length > 0 ? (
            <p className="mt-0.5 font-mono text-xs break-all text-muted">
              {result.models.slice(0, 30).join(', ')}
              {result.models.length > 30 ? ', …' : ''}
            </p>
          ) : null}
        </div>
      </div>
    )
  }
  return <TestFailed latencyMs={result.latencyMs} message={result.message} />
}

type UpstreamCardProps = { upstream: UpstreamSummary; onEdit: () => void }

export function UpstreamCard({ upstream, onEdit }: UpstreamCardProps) {
  const test = useTestUpstream()
  const remove = useDeleteUpstream()
  const fromEnv = upstream.source === 'env'
  return (
    <li aria-label={upstream.name} className={cn(PANEL, 'flex flex-col p-4')}>
      <CardHeading icon={Server} name={upstream.name} baseUrl={upstream.baseUrl} fromEnv={fromEnv} />
      <dl className="mt-3 flex-1 divide-y divide-border text-sm">
        <SettingRow label="Models">
          <PatternList patterns={upstream.models} />
        </SettingRow>
        <SettingRow label="Max concurrency">{formatNumber(upstream.maxConcurrency)}</SettingRow>
        <SettingRow label="Timeout">{formatTimeout(upstream.timeoutMs)}</SettingRow>
        <SettingRow label="API key">
          {upstream.apiKeyHint ? (
            <span className="inline-flex items-center gap-1.5 font-mono text-xs">
              <KeyRound aria-hidden className="size-3.5 text-muted" />
              •••• {upstream.apiKeyHint}
            </span>
          ) : (
            <span className="text-muted">None</span>
          )}
        </SettingRow>
        <SettingRow label="Extra headers">
          {upstream.headerNames.length > 0 ? (
            <span className="font-mono text-xs break-all">{upstream.headerNames.join(', ')}</span>
          ) : (
            <span className="text-muted">None</span>
          )}
        </SettingRow>
      </dl>
      {fromEnv ? <p className="mt-3 text-xs text-muted">Set by BATCHBOARD_UPSTREAMS; change it there.</p> : null}
      <CardActions
        id={upstream.id}
        name={upstream.name}
        kind="upstream"
        testLabel="Test"
        test={test}
        outcome={test.data ? <TestOutcome result={test.data} /> : null}
        readOnly={fromEnv}
        onEdit={onEdit}
        remove={remove}
      >
        Its key and headers are deleted with it. Models that only it serves have nowhere to go: lines that use them fail until another upstream serves them.
      </CardActions>
    </li>
  )
}
