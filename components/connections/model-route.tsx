'use client'

import { ArrowRight, Route } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { useModelRoute } from '@/lib/queries/upstreams'
import type { ModelRoute } from '@/lib/types'

function RouteAnswer({ route }: { route: ModelRoute }) {
  const model = <span className="font-mono">{route.model}</span>
  if (route.upstream === 'simulator') {
    return (
      <p>
        {model} <ArrowRight aria-hidden className="inline size-3.5" /> <strong>Simulator</strong>{' '}
        <span className="text-muted">({route.reason === 'sim-model' ? 'sim-* models always go to the simulator' : 'no other upstream is configured'})</span>
      </p>
    )
  }
  if (route.upstream === null) {
    return (
      <p>
        {model} <ArrowRight aria-hidden className="inline size-3.5" /> <strong className="text-danger">no upstream</strong>{' '}
        <span className="text-muted">: lines with this model fail. Add an upstream whose models match it.</span>
      </p>
    )
  }
  return (
    <p>
      {model} <ArrowRight aria-hidden className="inline size-3.5" /> <strong>{route.upstream.name}</strong>{' '}
      <span className="text-muted">
        (matches <span className="font-mono">{route.pattern}</span>)
      </span>
    </p>
  )
}

/** "Which upstream would take model X?", answered by the engine's own rule. */
export function ModelRouteCheck() {
  const [text, setText] = useState('')
  const [model, setModel] = useState('')
  const route = useModelRoute(model)
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setModel(text.trim())
  }
  return (
    <section aria-labelledby="route-heading" className={cn(PANEL, 'p-4')}>
      <h2 id="route-heading" className="flex items-center gap-2 text-sm font-semibold">
        <Route aria-hidden className="size-4 text-accent" />
        Route a model
      </h2>
      <p className="mt-1 text-sm text-muted">A line&apos;s model picks its upstream: an exact name beats a pattern, a longer pattern beats a shorter one.</p>
      <form onSubmit={onSubmit} className="mt-3 flex gap-2">
        <Input
          aria-label="Model"
          placeholder="e.g. llama3.1:8b or sim-chat"
          value={text}
          onChange={(event) => setText(event.target.value)}
          className="max-w-sm"
          autoComplete="off"
        />
        <Button type="submit" variant="secondary" disabled={text.trim() === ''}>
          Route
        </Button>
      </form>
      <div aria-live="polite" className="mt-3 text-sm empty:hidden">
        {model === '' ? null : route.isPending ? (
          <p className="text-muted">Checking…</p>
        ) : route.error ? (
          <p className="text-danger">{route.error.message}</p>
        ) : route.data ? (
          <RouteAnswer route={route.data} />
        ) : null}
      </div>
    </section>
  )
}
