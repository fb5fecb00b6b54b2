'use client'

import { BarChart3, CalendarRange, TriangleAlert } from 'lucide-react'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useState, type ReactNode } from 'react'
import { PANEL } from '@/components/ui/card'
import { Button } from '@/components/ui/button'
import { ButtonLink } from '@/components/ui/button-link'
import { cn } from '@/components/ui/cn'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorNotice } from '@/components/ui/error-notice'
import { Input } from '@/components/ui/input'
import { Skeleton } from '@/components/ui/skeleton'
import { formatCompact, formatCost, formatNumber } from '@/lib/format'
import { useUsageReport } from '@/lib/queries/prices'
import type { UsageGroup, UsageReport } from '@/lib/types'
import { CostPerDayChart, GroupTokensChart, TokensPerDayChart } from './usage-charts'

const DAY_MS = 86_400_000
const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10)
/** The UTC day `days` before `day` (YYYY-MM-DD). */
const daysBefore = (day: string, days: number) => utcDay(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS)

const PRESETS = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: 'All time', days: null },
] as const

/** The range lives in the query string; no range at all means the last 30 days, `?range=all` means everything. */
function useRange() {
  const params = useSearchParams()
  const router = useRouter()
  const pathname = usePathname()
  const all = params.get('range') === 'all'
  // Fixed at mount: the presets' days must not move under the user while the page is open.
  const [today] = useState(() => utcDay(Date.now()))
  const from = all ? undefined : (params.get('from') ?? daysBefore(today, 29))
  const to = all ? undefined : (params.get('to') ?? today)
  const set = (next: { from?: string; to?: string } | 'all') => {
    const search =
      next === 'all' ? '?range=all' : `?${new URLSearchParams(Object.entries(next).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString()}`
    router.replace(`${pathname}${search}`, { scroll: false })
  }
  return { from, to, today, all, set }
}

export function UsageDashboard() {
  const range = useRange()
  const { data, error, isPending, refetch } = useUsageReport(range.from, range.to)
  const activePreset = range.all
    ? null
    : range.to === range.today
      ? PRESETS.find((preset) => preset.days !== null && range.from === daysBefore(range.today, preset.days - 1))
      : undefined
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Date range">
        <div className="flex rounded-lg border border-border bg-surface p-0.5">
          {PRESETS.map((preset) => {
            const active = preset.days === null ? range.all : activePreset === preset
            return (
              <button
                key={preset.label}
                type="button"
                aria-pressed={active}
                onClick={() => range.set(preset.days === null ? 'all' : { from: daysBefore(range.today, preset.days - 1), to: range.today })}
                className={cn(
                  'rounded-md px-3 py-1.5 text-sm focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none',
                  active ? 'bg-subtle font-medium' : 'text-muted hover:text-foreground',
                )}
              >
                {preset.label}
              </button>
            )
          })}
        </div>
        <label className="space-y-1 text-xs text-muted">
          <span className="block">From</span>
          <Input
            type="date"
            className="w-40"
            value={range.from ?? ''}
            max={range.to}
            onChange={(event) => range.set({ from: event.target.value, to: range.to })}
          />
        </label>
        <label className="space-y-1 text-xs text-muted">
          <span className="block">To</span>
          <Input
            type="date"
            className="w-40"
            value={range.to ?? ''}
            min={range.from}
            onChange={(event) => range.set({ from: range.from, to: event.target.value })}
          />
        </label>
        <p className="pb-2 text-xs text-muted">Days in UTC; a batch counts on the day it ended (or started, while it runs).</p>
      </div>
      {isPending ? (
        <UsageSkeleton />
      ) : error ? (
        <ErrorNotice title="Could not load usage" message={error.message} onRetry={() => void refetch()} />
      ) : data.totals.batches === 0 ? (
        !data.anyBatches ? (
          <EmptyState
            icon={BarChart3}
            title="No usage yet"
            action={
              <ButtonLink href="/batches/new" variant="secondary">
                Run a batch
              </ButtonLink>
            }
          >
            Token counts and cost appear here once a batch has run.
          </EmptyState>
        ) : (
          <EmptyState
            icon={CalendarRange}
            title="No batches in this range"
            action={
              <Button variant="secondary" onClick={() => range.set('all')}>
                Show all time
              </Button>
            }
          >
            No batch ended (or started) between these days.
          </EmptyState>
        )
      ) : (
        <Report report={data} />
      )}
    </div>
  )
}

function UsageSkeleton() {
  return (
    <div role="status" aria-label="Loading usage" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[0, 1, 2, 3].map((key) => (
          <Skeleton key={key} className="h-24" />
        ))}
      </div>
      <Skeleton className="h-72" />
    </div>
  )
}

/** Cache writes are billed at their own rate (Anthropic's): their share of the cost is named when there are any. */
function costNote(totals: UsageReport['totals']): string | undefined {
  const notes = [
    ...(totals.cacheWriteTokens > 0 ? [`${formatCost(totals.cacheWriteCost)} for ${formatCompact(totals.cacheWriteTokens)} cache writes`] : []),
    ...(totals.unpricedTokens > 0 ? ['priced batches only'] : []),
  ]
  return notes.length > 0 ? notes.join(' · ') : undefined
}

function Report({ report }: { report: UsageReport }) {
  const { totals } = report
  const saving = totals.standardCost - totals.cost
  return (
    <div className="space-y-6">
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Cost" value={formatCost(totals.cost)} note={costNote(totals)} />
        <Stat
          label="Saved with batch prices"
          value={formatCost(saving)}
          tone={saving > 0 ? 'text-success' : undefined}
          note={
            totals.standardCost > 0
              ? `${formatCost(totals.standardCost)} as ordinary requests (${Math.round((saving / totals.standardCost) * 100)}% less)`
              : undefined
          }
        />
        <Stat
          label="Tokens"
          value={formatCompact(totals.totalTokens)}
          note={`${formatCompact(totals.inputTokens)} in (${formatCompact(totals.cachedTokens)} cached${totals.cacheWriteTokens > 0 ? `, ${formatCompact(totals.cacheWriteTokens)} cache writes` : ''}) · ${formatCompact(totals.outputTokens)} out`}
        />
        <Stat label="Batches" value={formatNumber(totals.batches)} />
      </dl>
      {totals.unpricedTokens > 0 ? (
        <p role="note" className="flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/10 p-3 text-sm">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
          <span>
            {formatNumber(totals.unpricedTokens)} tokens have no price and are not in the cost: no price for {totals.unpricedModels.join(', ')}.{' '}
            <Link href="/settings#prices" className="font-medium text-accent hover:underline">
              Add prices in Settings
            </Link>
            .
          </span>
        </p>
      ) : null}
      {totals.simulatedTokens > 0 ? (
        <p className="text-sm text-muted">{formatNumber(totals.simulatedTokens)} tokens were answered by the built-in simulator: free, and not in the cost.</p>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-2">
        <Panel title="Cost per day">
          <CostPerDayChart days={report.days} />
        </Panel>
        <Panel title="Tokens per day">
          <TokensPerDayChart days={report.days} />
        </Panel>
      </div>
      <div className="grid gap-6 xl:grid-cols-2">
        <GroupPanel title="Per model" groups={report.models} />
        <GroupPanel title="Per connection" groups={report.connections} />
      </div>
    </div>
  )
}

function Stat({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: string }) {
  return (
    <div className={cn(PANEL, 'px-4 py-3')}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className={cn('mt-1 text-2xl font-semibold tabular-nums', tone)}>{value}</dd>
      {note ? <dd className="mt-0.5 text-xs text-muted">{note}</dd> : null}
    </div>
  )
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = `usage-${title.toLowerCase().replace(/\W+/g, '-')}`
  return (
    <section aria-labelledby={id} className={PANEL}>
      <h2 id={id} className="border-b border-border px-4 py-3 text-sm font-semibold">
        {title}
      </h2>
      <div className="px-2 py-3">{children}</div>
    </section>
  )
}

function groupCost(group: UsageGroup): { text: string; tone?: string } {
  if (group.cost > 0 || (group.unpricedTokens === 0 && group.simulatedTokens === 0)) return { text: formatCost(group.cost) }
  if (group.unpricedTokens > 0) return { text: 'No price', tone: 'text-warning' }
  return { text: 'Free (simulated)', tone: 'text-muted' }
}

function GroupPanel({ title, groups }: { title: string; groups: UsageGroup[] }) {
  return (
    <Panel title={title}>
      <GroupTokensChart groups={groups} />
      <table className="mt-2 w-full text-sm" aria-label={`Usage ${title.toLowerCase()}`}>
        <thead>
          <tr className="text-left text-xs text-muted">
            <th className="px-3 py-1.5 font-medium">{title === 'Per model' ? 'Model' : 'Connection'}</th>
            <th className="px-3 py-1.5 text-right font-medium">Batches</th>
            <th className="px-3 py-1.5 text-right font-medium">Tokens</th>
            <th className="px-3 py-1.5 text-right font-medium">Cost</th>
            <th className="px-3 py-1.5 text-right font-medium">Saved</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => {
            const cost = groupCost(group)
            return (
              <tr key={group.key} className="border-t border-border">
                <td className={cn('px-3 py-1.5', title === 'Per model' ? 'font-mono text-xs' : '')}>{group.label}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{formatNumber(group.batches)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{formatNumber(group.totalTokens)}</td>
                <td className={cn('px-3 py-1.5 text-right whitespace-nowrap tabular-nums', cost.tone)}>{cost.text}</td>
                <td className="px-3 py-1.5 text-right text-success tabular-nums">
                  {group.standardCost > group.cost ? formatCost(group.standardCost - group.cost) : ''}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </Panel>
  )
}
