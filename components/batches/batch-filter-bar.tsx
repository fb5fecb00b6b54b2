'use client'

import { Search, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { Select } from '@/components/ui/select'
import { STATUS_LABELS } from '@/lib/batch'
import { isFiltered, type BatchFilters } from '@/lib/batch/list-filters'
import type { BatchStatus } from '@/lib/batch'
import type { FacetCount } from '@/lib/types'
import { BATCH_JOB_FILTERS } from '@/lib/validations/batches'
import { useBatchFacets } from '@/lib/queries/batches'

/** Typing settles for this long before the list asks the server again. */
const SEARCH_DEBOUNCE_MS = 300

export function BatchFilterBar({ filters, onChange }: { filters: BatchFilters; onChange: (filters: BatchFilters) => void }) {
  const { data: facets } = useBatchFacets(filters)
  const [search, setSearch] = useState(filters.q ?? '')
  const [shownQ, setShownQ] = useState(filters.q)
  // The search this box sent and the URL has not shown yet; null once it has.
  const [sentQ, setSentQ] = useState<string | undefined | null>(null)
  // The URL changed under the box (Clear filters, back button): show what the list is filtered by. Not when the
  // change is this box's own search arriving, or the characters typed since would be lost.
  if (shownQ !== filters.q) {
    setShownQ(filters.q)
    if (filters.q !== sentQ) setSearch(filters.q ?? '')
    setSentQ(null)
  }

  useEffect(() => {
    const q = search.trim() || undefined
    if (q === filters.q) return
    const timer = setTimeout(() => {
      setSentQ(q)
      onChange({ ...filters, q })
    }, SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [search, filters, onChange])

  const selected = new Set(filters.status ?? [])
  const toggleStatus = (status: BatchStatus) => {
    const next = new Set(selected)
    if (next.has(status)) next.delete(status)
    else next.add(status)
    onChange({ ...filters, status: [...next] })
  }

  return (
    <div role="search" aria-label="Filter batches" className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <label className="relative min-w-56 flex-1">
          <span className="sr-only">Search batches</span>
          <Search aria-hidden className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted" />
          <Input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Batch id, description, metadata or file name"
            className="pl-8"
          />
        </label>
        <FacetSelect
          label="Connection"
          all="All connections"
          value={filters.connectionId}
          options={facets?.connections}
          onChange={(connectionId) => onChange({ ...filters, connectionId })}
        />
        <FacetSelect
          label="Endpoint"
          all="All endpoints"
          value={filters.endpoint}
          options={facets?.endpoints}
          onChange={(endpoint) => onChange({ ...filters, endpoint })}
        />
        <FacetSelect label="Model" all="All models" value={filters.model} options={facets?.models} onChange={(model) => onChange({ ...filters, model })} />
        <Select
          aria-label="Jobs"
          value={filters.jobs ?? ''}
          onChange={(event) => onChange({ ...filters, jobs: BATCH_JOB_FILTERS.find((value) => value === event.target.value) })}
        >
          <option value="">Batches and job parts</option>
          <option value="only">Only parts of jobs</option>
          <option value="hide">Hide parts of jobs</option>
        </Select>
        {isFiltered(filters) ? (
          <Button variant="ghost" size="sm" onClick={() => onChange({ sort: filters.sort, order: filters.order })}>
            <X aria-hidden className="size-3.5" /> Clear filters
          </Button>
        ) : null}
      </div>
      <fieldset className="flex flex-wrap items-center gap-1.5">
        <legend className="sr-only">Status</legend>
        {(facets?.statuses ?? []).map((facet) => {
          const status = facet.value
          const checked = selected.has(status)
          return (
            <label
              key={status}
              className={`relative inline-flex cursor-pointer items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs has-focus-visible:ring-2 has-focus-visible:ring-accent/30 ${checked ? 'border-accent bg-accent/10 text-foreground' : 'border-border text-muted hover:bg-subtle'}`}
            >
              <input
                type="checkbox"
                className="absolute inset-0 cursor-pointer appearance-none rounded-full"
                checked={checked}
                onChange={() => toggleStatus(status)}
              />
              {STATUS_LABELS[status] ?? status}
              <span className="tabular-nums opacity-70">{facet.count}</span>
            </label>
          )
        })}
        {/* A status picked in a shared URL that no batch has any more stays visible, so it can be unticked. */}
        {[...selected]
          .filter((status) => !facets?.statuses.some((facet) => facet.value === status))
          .map((status) => (
            <label
              key={status}
              className="relative inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-accent bg-accent/10 px-2.5 py-1 text-xs"
            >
              <input type="checkbox" className="absolute inset-0 cursor-pointer appearance-none rounded-full" checked onChange={() => toggleStatus(status)} />
              {STATUS_LABELS[status]} <span className="tabular-nums opacity-70">0</span>
            </label>
          ))}
      </fieldset>
    </div>
  )
}

function FacetSelect(props: {
  label: string
  all: string
  value: string | undefined
  options: FacetCount[] | undefined
  onChange: (value: string | undefined) => void
}) {
  const options = props.options ?? []
  // Keep a value from the URL selectable before (or without) its facet.
  const missing = props.value !== undefined && !options.some((option) => option.value === props.value)
  return (
    <Select aria-label={props.label} value={props.value ?? ''} onChange={(event) => props.onChange(event.target.value || undefined)}>
      <option value="">{props.all}</option>
      {missing ? <option value={props.value}>{props.value}</option> : null}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label} ({option.count})
        </option>
      ))}
    </Select>
  )
}
