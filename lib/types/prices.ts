import type { PriceRow } from '@/lib/pricing'

export type { BatchCost, CostEstimate, PriceRow } from '@/lib/pricing'

/** A row of the effective price table: where it comes from decides what Reset and Delete do. */
export type PriceListRow = PriceRow & {
  /** shipped: as Batchboard ships it; edited: a shipped model with the user's prices; added: the user's own model. */
  source: 'shipped' | 'edited' | 'added'
}

export type PriceTable = {
  rows: PriceListRow[]
  /** Shipped models the user deleted; Reset brings them back. */
  hidden: string[]
  takenAt: string
  source: string
}
