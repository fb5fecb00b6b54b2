import { FlaskConical } from 'lucide-react'
import { formatNumber } from '@/lib/format'
import type { EngineUpstreams } from '@/lib/types'
import { SettingRow } from './card-parts'

const percent = (rate: number) => `${formatNumber(Math.round(rate * 1000) / 10)}%`

/** The built-in simulator, shown as the upstream it is: read-only, and always labelled as simulated. */
export function SimulatorCard({ simulator }: { simulator: EngineUpstreams['simulator'] }) {
  return (
    <li aria-label="Simulator" className="flex flex-col rounded-xl border border-dashed border-warning/60 bg-surface p-4">
      <div className="flex items-center gap-2">
        <FlaskConical aria-hidden className="size-4 shrink-0 text-warning" />
        <h3 className="font-medium">Simulator</h3>
        <span className="rounded-full border border-warning/50 bg-warning/10 px-2 py-0.5 text-xs font-medium text-foreground">Simulated</span>
        <span className="ml-auto shrink-0 rounded-full bg-subtle px-2 py-0.5 text-xs text-muted">Built in</span>
      </div>
      <p className="mt-2 text-sm text-muted">
        Answers chat completions, completions, responses, embeddings and moderations with made-up, deterministic text and token counts, so a batch can run with
        no model and no key. Every answer is marked as simulated.
      </p>
      <p className="mt-2 text-sm">
        <span className="font-mono text-xs">sim-*</span> models always go here; while no other upstream is configured, every model does.
      </p>
      <p className="mt-1 text-sm font-medium">{simulator.serves === 'all' ? 'Now: every model goes here.' : 'Now: only sim-* models go here.'}</p>
      <dl className="mt-3 flex-1 divide-y divide-border text-sm">
        <SettingRow label="Latency">{formatNumber(simulator.latencyMs)} ms</SettingRow>
        <SettingRow label="Max concurrency">{formatNumber(simulator.concurrency)}</SettingRow>
        <SettingRow label="Server errors">{percent(simulator.errorRate)}</SettingRow>
        <SettingRow label="Rate limits (429)">{percent(simulator.rateLimitRate)}</SettingRow>
        <SettingRow label="Timeouts">{percent(simulator.timeoutRate)}</SettingRow>
      </dl>
      <p className="mt-3 text-xs text-muted">Set by the BATCHBOARD_SIMULATOR_* variables; change them there.</p>
    </li>
  )
}
