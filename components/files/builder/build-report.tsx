'use client'

import { Download, Rocket, Workflow } from 'lucide-react'
import Link from 'next/link'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { ConnectionPicker } from '@/components/ui/connection-picker'
import { JobPlan, plannedParts, type JobChoice, type PlannedWork } from '@/components/ui/job-plan'
import { ProgressBar } from '@/components/ui/progress-bar'
import { formatBytes, formatCompact, formatCost, formatNumber } from '@/lib/format'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { estimateCost } from '@/lib/pricing'
import { useConnections } from '@/lib/queries/connections'
import { usePriceTable } from '@/lib/queries/prices'
import { useModelRoute } from '@/lib/queries/upstreams'
import { CheckSummary } from '../check-summary'
import { ErrorBreakdown } from '../error-breakdown'
import { downloadBlob } from '../error-report'
import type { BuildOutcome } from './build-messages'
import { IssueList, Notice } from './notice'
import { useCreateFromBuild } from './use-create-from-build'
import type { BuildState, ExportParts } from './use-table-build'

/** Step 3: the build's progress, then its issues, preview, checks, cost and the way out (create or download). */
export function BuildReport({ state, filename, rowCount, onExport }: { state: BuildState; filename: string; rowCount: number; onExport: ExportParts }) {
  return (
    <Card title="3. Check and create" id="check-heading">
      {state.status === 'crashed' ? (
        <Notice tone="danger" title="The file could not be built">
          {state.message}
        </Notice>
      ) : state.status === 'built' ? (
        <BuiltFile outcome={state.outcome} filename={filename} onExport={onExport} />
      ) : (
        <div className="space-y-2" role="status">
          <p className="text-sm text-muted">
            {state.status === 'building' && state.rows > 0
              ? `Building… ${formatNumber(state.rows)} of ${formatNumber(rowCount)} rows`
              : 'Building the requests…'}
          </p>
          <ProgressBar value={state.status === 'building' && rowCount > 0 ? state.rows / rowCount : null} label="Building the batch file" />
        </div>
      )}
    </Card>
  )
}

function BuiltFile({ outcome, filename, onExport }: { outcome: BuildOutcome; filename: string; onExport: ExportParts }) {
  const [consented, setConsented] = useState(false)
  const errors = [...outcome.problems, ...outcome.issues.filter((issue) => issue.severity === 'error')]
  const warnings = outcome.issues.filter((issue) => issue.severity === 'warning')
  const several = outcome.parts.length > 1
  const valid = outcome.parts.length > 0 && outcome.parts.every((part) => part.report.ok)
  const requests = outcome.parts.reduce((sum, part) => sum + part.requests, 0)
  const tokens = outcome.parts.reduce((sum, part) => sum + (part.report.facts.estimatedInputTokens ?? 0), 0)
  const cost = useBuiltCost(outcome, tokens)
  const bytes = outcome.parts.reduce((sum, part) => sum + part.bytes, 0)

  return (
    <div className="space-y-4">
      <IssueList
        issues={errors}
        total={outcome.problems.length + outcome.errorCount}
        tone="danger"
        title={outcome.problems.length > 0 ? 'Fix the template' : 'Some rows cannot become requests'}
      />
      <IssueList issues={warnings} total={outcome.warningCount} tone="warning" title={`${formatNumber(outcome.warningCount)} rows have empty values`} />
      {outcome.preview.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold">Preview of the first requests</h3>
          <pre
            aria-label="Preview of the generated lines"
            className="mt-2 max-h-72 overflow-auto rounded-lg bg-subtle/60 p-3 font-mono text-xs whitespace-pre-wrap break-all"
          >
            {outcome.preview.join('\n')}
          </pre>
        </div>
      ) : null}
      {outcome.parts.length > 0 ? (
        <>
          <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <Fact label="Requests" value={formatNumber(requests)} />
            <Fact label="Est. input tokens" value={formatCompact(tokens)} />
            <Fact label="Files" value={formatNumber(outcome.parts.length)} />
            <Fact label="Size" value={formatBytes(bytes)} />
          </dl>
          {cost ? <p className="text-sm text-muted">{cost}</p> : null}
          {several ? (
            <Notice tone="warning" title={`This makes ${outcome.parts.length} files`}>
              A batch holds at most 50,000 requests and 200 MB, so the rows are cut into {outcome.parts.map((part) => part.name).join(', ')}. Create job uploads
              them as one file and runs it as one job of several batches (with retries and one set of results); to start a batch for each file instead, split it
              here.
              <label className="mt-2 flex items-center gap-2 text-foreground">
                <input type="checkbox" checked={consented} onChange={(event) => setConsented(event.target.checked)} />
                Split into {outcome.parts.length} files
              </label>
            </Notice>
          ) : null}
          <div className="divide-y divide-border rounded-lg border border-border">
            {outcome.parts.map((part) => (
              <div key={part.name}>
                <p className="px-4 pt-3 font-mono text-xs text-muted">
                  {part.name} · rows {formatNumber(part.firstRow + 1)}–{formatNumber(part.firstRow + part.requests)}
                </p>
                <CheckSummary
                  report={part.report}
                  readyTitle="Valid batch file"
                  fixHint="The validator found problems in the generated file; change the template or the table."
                />
                {part.report.ok ? null : <ErrorBreakdown filename={part.name} report={part.report} />}
              </div>
            ))}
          </div>
          <FileActions
            ready={valid}
            splitReady={valid && (!several || consented)}
            splitChosen={several && consented}
            filename={filename}
            outcomeId={outcome.id}
            onExport={onExport}
            work={{ lineCount: requests, bytes, estimatedInputTokens: tokens, model: outcome.parts[0]?.report.facts.model ?? null }}
          />
        </>
      ) : null}
    </div>
  )
}

/**
 * What the built file would cost on a Batch API at the price table's batch rates: the input estimate plus the most
 * the output caps allow. The connection is chosen later, on New batch, which shows its own estimate.
 */
function useBuiltCost(outcome: BuildOutcome, inputTokens: number): string | null {
  const prices = usePriceTable()
  const facts = outcome.parts.map((part) => part.report.facts)
  const model = facts[0]?.model ?? null
  const route = useModelRoute(model ?? '')
  if (!prices.data || facts.length === 0) return null
  if (route.data?.upstream === 'simulator') return `On the built-in engine the simulator answers ${model}: nothing is billed.`
  const estimate = estimateCost(
    {
      model,
      estimatedInputTokens: inputTokens,
      outputTokenCapTotal: facts.reduce((sum, fact) => sum + fact.maxTokens.total, 0),
      outputTokenCapMissing: facts.reduce((sum, fact) => sum + fact.maxTokens.missing, 0),
      basis: 'batch',
    },
    prices.data.rows,
  )
  if (estimate.status === 'no_price') return `No price for model ${model ?? '(none)'}: add one in Settings → Prices to see a cost estimate.`
  if (estimate.status !== 'priced') return null
  const most = estimate.inputCost + (estimate.maxOutputCost ?? 0)
  const uncapped = estimate.uncappedLines > 0 ? `; ${formatNumber(estimate.uncappedLines)} lines set no output cap and are counted for input only` : ''
  return `Est. cost at ${estimate.priceModel} batch prices: ${formatCost(estimate.inputCost)} of input, at most ${formatCost(most)} with output${uncapped}. On the built-in engine it is whatever the upstream charges.`
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg bg-subtle/60 px-3 py-2">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 font-medium tabular-nums">{value}</dd>
    </div>
  )
}

function FileActions({
  ready,
  splitReady,
  splitChosen,
  filename,
  outcomeId,
  onExport,
  work,
}: {
  /** The file can run as a job (one file of all the rows). */
  ready: boolean
  /** The file can be created as batches: one file, or several the user agreed to split into. */
  splitReady: boolean
  /** The user chose to split the rows into several files, to start a batch for each: no job. */
  splitChosen: boolean
  filename: string
  outcomeId: number
  onExport: ExportParts
  /** All the rows as one input: what a job runs, and what New batch would plan. */
  work: PlannedWork
}) {
  const { create, busy, error, createdFiles, progress } = useCreateFromBuild({ filename, outcomeId, onExport })
  const connections = useConnections()
  const [connectionId, setConnectionId] = useState<string>(BUILTIN_CONNECTION_ID)
  const [jobChoice, setJobChoice] = useState<JobChoice>({ runAsJob: false, maxAttempts: 3 })
  const connection = connections.data?.find((item) => item.id === connectionId)
  // The same rule as New batch: over the connection's limits it can only run as a job.
  const job = connection && !splitChosen && (jobChoice.runAsJob || plannedParts(work, connection).count > 1) ? connection : null

  async function download() {
    try {
      for (const part of await onExport()) downloadBlob(part.name, part.file)
    } catch (failure) {
      toast.error(failure instanceof Error ? failure.message : 'The file could not be saved.')
    }
  }

  return (
    <div className="space-y-3">
      {connection && !splitChosen ? <JobPlan work={work} connection={connection} choice={jobChoice} onChange={setJobChoice} /> : null}
      {job ? (
        <ConnectionPicker connections={connections.data} error={connections.error?.message ?? null} value={connectionId} onChange={setConnectionId} />
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        {job ? (
          <Button onClick={() => void create({ connectionId: job.id, connectionName: job.name, maxAttempts: jobChoice.maxAttempts })} disabled={!ready || busy}>
            <Workflow aria-hidden className="size-4" />
            Create job
          </Button>
        ) : (
          <Button onClick={() => void create()} disabled={!splitReady || busy}>
            <Rocket aria-hidden className="size-4" />
            Create batch
          </Button>
        )}
        <Button variant="secondary" onClick={() => void download()} disabled={!ready || busy}>
          <Download aria-hidden className="size-4" />
          Download .jsonl
        </Button>
        <p className="text-xs text-muted">
          {job
            ? `Create job uploads the file and the table, then starts a job on ${job.name} and opens it.`
            : 'Create batch uploads the file and the table (so answers can be joined back to it), then opens New batch.'}
        </p>
      </div>
      {busy ? <ProgressBar value={progress} label="Uploading the batch file" /> : null}
      {error ? (
        <Notice tone="danger" title="The batch file was not uploaded">
          {error}
        </Notice>
      ) : null}
      {createdFiles ? (
        <div className="rounded-lg border border-border p-3 text-sm">
          <p className="font-medium">Uploaded {createdFiles.length} files; start a batch for each:</p>
          <ul className="mt-2 space-y-1">
            {createdFiles.map((file) => (
              <li key={file.id}>
                <Link href={`/batches/new?file=${encodeURIComponent(file.id)}`} className="text-accent hover:underline">
                  New batch with {file.filename}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}
