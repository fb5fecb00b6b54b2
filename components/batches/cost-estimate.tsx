'use client'

import Link from 'next/link'
import type { ReactNode } from 'react'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { formatCompact, formatCost, formatNumber } from '@/lib/format'
import { formatRefusal } from '@/lib/jsonl'
import { estimateCost } from '@/lib/pricing'
import { usePriceTable } from '@/lib/queries/prices'
import { useModelRoute } from '@/lib/queries/upstreams'
import type { ConnectionSummary, FileDetail } from '@/lib/types'

/**
 * The New batch summary's cost: the file's input token estimate at the input price, plus the output its lines' caps
 * allow at most. Batch APIs bill batch prices; the built-in engine bills what its upstream charges for ordinary
 * requests, and nothing when the simulator answers. An Anthropic connection gives lines without a cap its default
 * max_tokens, so they are bounded by it.
 */
export function CostEstimate({
  file,
  connection,
}: {
  file: FileDetail | undefined
  connection: Pick<ConnectionSummary, 'kind' | 'defaultMaxTokens'> | undefined
}) {
  const connectionKind = connection?.kind
  const prices = usePriceTable()
  const builtin = connectionKind === BUILTIN_CONNECTION_KIND
  const route = useModelRoute(builtin && file?.model ? file.model : '')
  if (!file || !connectionKind || !prices.data || (builtin && file.model && route.isPending)) return <span className="font-normal text-muted">—</span>
  // A file this connection cannot run has no cost here: the form says why beside the Create button.
  if (formatRefusal(file.lineFormat, connectionKind)) return <span className="font-normal text-muted">—</span>
  if (builtin && route.data?.upstream === 'simulator') {
    return <Note label="Free">The simulator answers {file.model}: nothing is billed.</Note>
  }
  const defaulted = connectionKind === 'anthropic' && connection?.defaultMaxTokens ? (file.outputTokenCapMissing ?? 0) : 0
  const estimate = estimateCost(
    {
      model: file.model,
      estimatedInputTokens: file.estimatedInputTokens,
      outputTokenCapTotal: file.outputTokenCapTotal === null ? null : file.outputTokenCapTotal + defaulted * (connection?.defaultMaxTokens ?? 0),
      outputTokenCapMissing: file.outputTokenCapMissing === null ? null : file.outputTokenCapMissing - defaulted,
      basis: builtin ? 'standard' : 'batch',
    },
    prices.data.rows,
  )
  if (estimate.status === 'no_price') {
    return (
      <Note label="No price" tone="text-warning">
        No price for model {estimate.model ?? '(none)'}:{' '}
        <Link href="/settings#prices" className="text-accent hover:underline">
          add one in Settings
        </Link>
        .
      </Note>
    )
  }
  if (estimate.status === 'no_estimate') return <Note label="—">The file has no token estimate.</Note>
  const upTo = estimate.inputCost + (estimate.maxOutputCost ?? 0)
  const output =
    estimate.maxOutputCost === null
      ? 'output not included (check the file again to count its max_tokens)'
      : estimate.maxOutputCost === 0 && estimate.uncappedLines === 0
        ? 'no output tokens'
        : `up to ${formatCost(estimate.maxOutputCost)} output if every line writes its max_tokens`
  return (
    <Note label={`≈ ${formatCost(estimate.inputCost)} – ${formatCost(upTo)}`}>
      {formatCost(estimate.inputCost)} input (≈ {formatCompact(file.estimatedInputTokens ?? 0)} tokens) + {output}
      {estimate.uncappedLines > 0
        ? `; ${formatNumber(estimate.uncappedLines)} ${estimate.uncappedLines === 1 ? 'line sets' : 'lines set'} no max_tokens and ${estimate.uncappedLines === 1 ? 'is' : 'are'} not bounded`
        : ''}
      . At {estimate.priceModel}{' '}
      {estimate.basis === 'batch'
        ? `batch prices (${formatCost(estimate.standardCost)} as ordinary requests)`
        : 'standard prices: the engine sends ordinary requests upstream'}
      .
    </Note>
  )
}

function Note({ label, tone = '', children }: { label: string; tone?: string; children: ReactNode }) {
  return (
    <>
      <span className={tone}>{label}</span>
      <span className="mt-0.5 block text-xs font-normal text-muted">{children}</span>
    </>
  )
}
