'use client'

import { Pencil, Plus, RotateCcw, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { formatPrice } from '@/lib/format'
import { ratesFor } from '@/lib/pricing'
import { useDeletePrice, usePriceTable, useResetPrices } from '@/lib/queries/prices'
import type { PriceListRow } from '@/lib/types'
import { PriceDialog } from './price-dialog'

const SOURCE_LABELS: Record<PriceListRow['source'], string> = { shipped: 'Shipped', edited: 'Edited', added: 'Added' }

/** A stated batch price, or the half it defaults to (muted, so it reads as derived). */
function BatchRate({ stated, derived }: { stated: number | null; derived: number }) {
  return stated === null ? <span className="text-muted">{formatPrice(derived)}</span> : <>{formatPrice(stated)}</>
}

function PriceRowView({ row, onEdit }: { row: PriceListRow; onEdit: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const remove = useDeletePrice()
  const reset = useResetPrices()
  const batch = ratesFor(row, 'batch')
  return (
    <tr className="border-t border-border">
      <td className="px-5 py-2 font-mono text-xs">{row.model}</td>
      <td className="px-3 py-2 text-right tabular-nums">{formatPrice(row.input)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{row.cachedInput === null ? <span className="text-muted">—</span> : formatPrice(row.cachedInput)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{row.output === null ? <span className="text-muted">—</span> : formatPrice(row.output)}</td>
      <td className="px-3 py-2 text-right tabular-nums">
        <BatchRate stated={row.batchInput} derived={batch.input} />
      </td>
      <td className="px-3 py-2 text-right tabular-nums">
        {row.output === null && row.batchOutput === null ? (
          <span className="text-muted">—</span>
        ) : (
          <BatchRate stated={row.batchOutput} derived={batch.output} />
        )}
      </td>
      <td className="px-3 py-2 text-xs text-muted">{SOURCE_LABELS[row.source]}</td>
      <td className="px-5 py-2 text-right whitespace-nowrap">
        <Button variant="ghost" size="icon" aria-label={`Edit ${row.model}`} onClick={onEdit}>
          <Pencil aria-hidden className="size-4" />
        </Button>
        {row.source === 'edited' ? (
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Reset ${row.model} to the shipped price`}
            disabled={reset.isPending}
            onClick={() => reset.mutate(row.model, { onSuccess: () => toast.success(`${row.model} is back to its shipped price`) })}
          >
            <RotateCcw aria-hidden className="size-4" />
          </Button>
        ) : null}
        <Button variant="ghost" size="icon" className="text-danger" aria-label={`Delete ${row.model}`} onClick={() => setConfirming(true)}>
          <Trash2 aria-hidden className="size-4" />
        </Button>
        <ConfirmDialog
          open={confirming}
          onOpenChange={(open) => {
            setConfirming(open)
            if (!open) remove.reset()
          }}
          title={`Delete the price of ${row.model}?`}
          confirmLabel={remove.isPending ? 'Deleting…' : 'Delete price'}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(row.model, { onSuccess: () => setConfirming(false) })}
        >
          Batches of this model then show “No price” instead of a cost.
          {row.source === 'added' ? '' : ' Reset to shipped prices brings the shipped price back.'}
        </ConfirmDialog>
      </td>
    </tr>
  )
}

/** Settings → Prices: the shipped table with the user's edits, additions and deletions over it. */
export function Prices() {
  const { data, error, isPending, refetch } = usePriceTable()
  const [editing, setEditing] = useState<PriceListRow | 'new' | null>(null)
  const [confirmReset, setConfirmReset] = useState(false)
  const reset = useResetPrices()
  const changed = data ? data.rows.some((row) => row.source !== 'shipped') || data.hidden.length > 0 : false
  return (
    <section id="prices" aria-labelledby="prices-heading" className={cn(PANEL, 'scroll-mt-6')}>
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-border px-5 py-3">
        <div className="min-w-0">
          <h2 id="prices-heading" className="text-sm font-semibold">
            Prices
          </h2>
          <p className="mt-0.5 max-w-3xl text-xs text-muted">
            USD per 1M tokens, used for every cost and estimate. Batch prices are half the standard price unless stated (muted figures are derived).
            {data ? ` Shipped prices were taken on ${data.takenAt} from the ${data.source}; check them against your invoice.` : ''}
          </p>
        </div>
        <div className="flex gap-2">
          {changed ? (
            <Button variant="secondary" size="sm" onClick={() => setConfirmReset(true)}>
              <RotateCcw aria-hidden className="size-4" />
              Reset to shipped prices
            </Button>
          ) : null}
          <Button size="sm" onClick={() => setEditing('new')}>
            <Plus aria-hidden className="size-4" />
            Add price
          </Button>
        </div>
      </div>
      {isPending ? (
        <div className="px-5 py-4">
          <ListSkeleton rows={4} label="Loading prices" />
        </div>
      ) : error ? (
        <div className="px-5 py-4">
          <ErrorNotice title="Could not load prices" message={error.message} onRetry={() => void refetch()} />
        </div>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Prices">
              <thead>
                <tr className="text-left text-xs text-muted">
                  <th className="px-5 py-2 font-medium">Model</th>
                  <th className="px-3 py-2 text-right font-medium">Input</th>
                  <th className="px-3 py-2 text-right font-medium">Cached input</th>
                  <th className="px-3 py-2 text-right font-medium">Output</th>
                  <th className="px-3 py-2 text-right font-medium">Batch input</th>
                  <th className="px-3 py-2 text-right font-medium">Batch output</th>
                  <th className="px-3 py-2 font-medium">Source</th>
                  <th className="px-5 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <PriceRowView key={row.model} row={row} onEdit={() => setEditing(row)} />
                ))}
              </tbody>
            </table>
          </div>
          {data.hidden.length > 0 ? (
            <p className="border-t border-border px-5 py-3 text-xs text-muted">Deleted shipped prices: {data.hidden.join(', ')}.</p>
          ) : null}
        </>
      )}
      {editing ? <PriceDialog row={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={confirmReset}
        onOpenChange={setConfirmReset}
        title="Reset to the shipped prices?"
        tone="primary"
        confirmLabel={reset.isPending ? 'Resetting…' : 'Reset prices'}
        pending={reset.isPending}
        error={reset.error?.message}
        onConfirm={() => reset.mutate(undefined, { onSuccess: () => setConfirmReset(false) })}
      >
        Every edited, added and deleted price goes back to the table Batchboard ships. Costs everywhere follow.
      </ConfirmDialog>
    </section>
  )
}
