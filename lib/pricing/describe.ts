import { formatCost } from '@/lib/format'
import type { BatchCost } from './cost'

export type CostText = {
  /** The cell: "$0.375", "Free", "No price", "—". */
  label: string
  /** One sentence: the basis, the saving, or what to do. */
  detail: string
  tone: 'default' | 'muted' | 'warning'
}

/** How a batch's cost reads in the list, on its page and in the usage tables. */
export function describeCost(cost: BatchCost): CostText {
  switch (cost.status) {
    case 'priced': {
      if (cost.basis === 'standard') {
        return {
          label: formatCost(cost.cost),
          detail: `At ${cost.priceModel} standard prices: the built-in engine sends ordinary requests upstream.`,
          tone: 'default',
        }
      }
      const saving = cost.standardCost - cost.cost
      return {
        label: formatCost(cost.cost),
        detail: `At ${cost.priceModel} batch prices; saved ${formatCost(saving)} against ${formatCost(cost.standardCost)} as ordinary requests.`,
        tone: 'default',
      }
    }
    case 'simulated':
      return { label: 'Free', detail: 'Answered by the built-in simulator: nothing was billed.', tone: 'muted' }
    case 'no_price':
      return {
        label: 'No price',
        detail: cost.model === null ? 'The batch names no model, so it cannot be priced.' : `No price for model ${cost.model}: add one in Settings → Prices.`,
        tone: 'warning',
      }
    case 'no_usage':
      return { label: '—', detail: 'No token usage reported yet.', tone: 'muted' }
  }
}
