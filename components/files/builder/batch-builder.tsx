'use client'

import { CircleAlert, Download, FileSpreadsheet, Rocket, Save, Trash2, TriangleAlert } from 'lucide-react'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useId, useRef, useState, type ReactNode } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { Input, TextField } from '@/components/ui/input'
import { ProgressBar } from '@/components/ui/progress-bar'
import { ENDPOINT_FEATURES, type BuildIssue } from '@/lib/builder'
import { formatBytes, formatCompact, formatCost, formatNumber } from '@/lib/format'
import { estimateCost } from '@/lib/pricing'
import { ActionError } from '@/lib/queries/actions'
import { uploadSourceTable, useBuilderTemplates, useDeleteTemplate, useSaveTemplate } from '@/lib/queries/builder'
import { useUploadBatchFile } from '@/lib/queries/files'
import { usePriceTable } from '@/lib/queries/prices'
import { useModelRoute } from '@/lib/queries/upstreams'
import type { FileSummary } from '@/lib/types'
import { BUILDER_ENDPOINTS, DEFAULT_BUILD_CONFIG, type BuildConfig, type BuilderEndpoint } from '@/lib/validations/builder'
import { CheckSummary } from '../check-summary'
import { DropZone } from '../drop-zone'
import { ErrorBreakdown } from '../error-breakdown'
import { downloadBlob } from '../error-report'
import type { BuildOutcome, LoadedTable } from './build-messages'
import { TemplateField } from './template-field'
import { useTableBuild } from './use-table-build'

const ENDPOINT_LABELS: Record<BuilderEndpoint, string> = {
  '/v1/chat/completions': 'Chat completions',
  '/v1/responses': 'Responses',
  '/v1/embeddings': 'Embeddings',
  '/v1/moderations': 'Moderations',
  '/v1/completions': 'Completions (legacy)',
  '/v1/images/generations': 'Image generation',
  '/v1/images/edits': 'Image edits',
}

const DEFAULT_MODELS: Record<BuilderEndpoint, string> = {
  '/v1/chat/completions': 'gpt-4o-mini',
  '/v1/responses': 'gpt-4.1-mini',
  '/v1/embeddings': 'text-embedding-3-small',
  '/v1/moderations': 'omni-moderation-latest',
  '/v1/completions': 'gpt-3.5-turbo-instruct',
  '/v1/images/generations': 'gpt-image-1',
  '/v1/images/edits': 'gpt-image-1',
}

const selectClass = 'h-9 w-full rounded-md border border-border bg-background px-2.5 text-sm'

/** From a table and a prompt template to a checked batch file, then a download or the New batch flow. */
export function BatchBuilder() {
  const [config, setConfig] = useState<BuildConfig>({ ...DEFAULT_BUILD_CONFIG, model: DEFAULT_MODELS['/v1/chat/completions'] })
  const { table, build, load, clear, exportParts } = useTableBuild(config)
  const input = useRef<HTMLInputElement>(null)
  const update = (change: Partial<BuildConfig>) => setConfig((now) => ({ ...now, ...change }))

  const picker = (
    <input
      ref={input}
      type="file"
      accept=".csv,.tsv,.txt,.jsonl,.ndjson"
      aria-label="Table file"
      className="hidden"
      onChange={(event) => {
        const [file] = Array.from(event.target.files ?? [])
        if (file) load(file)
        event.target.value = ''
      }}
    />
  )

  if (table.status !== 'loaded') {
    return (
      <section aria-labelledby="table-heading" className="space-y-4">
        {picker}
        <div>
          <h2 id="table-heading" className="text-base font-semibold">
            1. Start from a table
          </h2>
          <p className="mt-1 text-sm text-muted">
            A CSV or TSV with a header row, or a JSONL file of records (one JSON object per line). It is read in your browser; nothing is sent until you create
            the batch.
          </p>
        </div>
        <DropZone
          onFiles={([file]) => file && load(file)}
          onBrowse={() => input.current?.click()}
          label={
            <>
              Drop a <code className="font-mono">.csv</code>, <code className="font-mono">.tsv</code> or <code className="font-mono">.jsonl</code> table here,
              or <span className="text-accent">choose one</span>
            </>
          }
          hint="Each row becomes one request; the columns fill the {{placeholders}} of your prompt."
        />
        {table.status === 'reading' ? <ProgressBar value={null} label={`Reading ${table.file.name}`} /> : null}
        {table.status === 'refused' ? (
          <Notice tone="danger" title={`${table.file.name} could not be read`}>
            {table.message}
          </Notice>
        ) : null}
      </section>
    )
  }

  const source = table.table
  return (
    <div className="space-y-6">
      {picker}
      <TablePreview table={source} onChooseAnother={() => input.current?.click()} onClear={clear} />
      <SavedTemplates config={config} onApply={(saved) => setConfig(saved)} />
      <RequestSettings config={config} columns={source.columns} onChange={update} />
      <BuildReport state={build} filename={source.filename} onExport={exportParts} rowCount={source.rowCount} />
    </div>
  )
}

function Section({ title, id, children, actions }: { title: string; id: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-border bg-surface">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-border px-4 py-3">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="px-4 py-4">{children}</div>
    </section>
  )
}

function Notice({ tone, title, children }: { tone: 'danger' | 'warning'; title: string; children: ReactNode }) {
  const Icon = tone === 'danger' ? CircleAlert : TriangleAlert
  return (
    <div role={tone === 'danger' ? 'alert' : 'status'} className="flex items-start gap-3 rounded-lg border border-border bg-subtle/40 p-3 text-sm">
      <Icon aria-hidden className={tone === 'danger' ? 'mt-0.5 size-4 shrink-0 text-danger' : 'mt-0.5 size-4 shrink-0 text-warning'} />
      <div className="min-w-0">
        <p className="font-medium">{title}</p>
        <div className="mt-0.5 text-muted">{children}</div>
      </div>
    </div>
  )
}

const SHOWN_ROWS = 8

function TablePreview({ table, onChooseAnother, onClear }: { table: LoadedTable; onChooseAnother: () => void; onClear: () => void }) {
  return (
    <Section
      title="1. Table"
      id="table-heading"
      actions={
        <div className="flex gap-2">
          <Button variant="ghost" size="sm" onClick={onChooseAnother}>
            Choose another table
          </Button>
          <Button variant="ghost" size="sm" onClick={onClear}>
            Clear
          </Button>
        </div>
      }
    >
      <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <span className="inline-flex items-center gap-1.5 font-medium">
          <FileSpreadsheet aria-hidden className="size-4 text-muted" />
          {table.filename}
        </span>
        <span className="text-muted">
          {formatNumber(table.rowCount)} rows · {formatNumber(table.columns.length)} columns · {table.format.toUpperCase()}
        </span>
      </div>
      {table.longRows > 0 ? (
        <div className="mb-3">
          <Notice tone="warning" title={`${formatNumber(table.longRows)} rows have more cells than the header`}>
            Their extra cells are left out. Give those columns a header if you need them.
          </Notice>
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-border">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">The first rows of {table.filename}</caption>
          <thead className="bg-subtle/60 text-muted">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                #
              </th>
              {table.columns.map((column) => (
                <th key={column} scope="col" className="px-3 py-2 font-mono font-medium whitespace-nowrap">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {table.sample.slice(0, SHOWN_ROWS).map((row, index) => (
              <tr key={index}>
                <td className="px-3 py-1.5 text-muted tabular-nums">{index + 1}</td>
                {table.columns.map((column, cell) => (
                  <td key={column} className="max-w-64 truncate px-3 py-1.5" title={row[cell] ?? ''}>
                    {row[cell] ?? <span className="text-muted">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.rowCount > SHOWN_ROWS ? (
        <p className="mt-2 text-xs text-muted">
          The first {SHOWN_ROWS} of {formatNumber(table.rowCount)} rows.
        </p>
      ) : null}
    </Section>
  )
}

function SavedTemplates({ config, onApply }: { config: BuildConfig; onApply: (config: BuildConfig) => void }) {
  const templates = useBuilderTemplates()
  const save = useSaveTemplate()
  const remove = useDeleteTemplate()
  const [name, setName] = useState('')
  const [chosen, setChosen] = useState('')
  const [error, setError] = useState<string | null>(null)
  const list = templates.data ?? []
  const current = list.find((template) => template.id === chosen)

  function submit() {
    setError(null)
    save.mutate(
      { name, config },
      {
        onSuccess: (saved) => {
          toast.success(`Saved the template “${saved.name}”`)
          setChosen(saved.id)
          setName('')
        },
        onError: (failure) => setError(failure instanceof ActionError ? failure.detail.message : 'The template could not be saved. Try again.'),
      },
    )
  }

  return (
    <Section title="Templates" id="templates-heading">
      <div className="grid gap-4 md:grid-cols-2">
        <div className="space-y-1.5">
          <label htmlFor="template-pick" className="block text-sm font-medium">
            Use a saved template
          </label>
          <div className="flex gap-2">
            <select
              id="template-pick"
              value={chosen}
              className={selectClass}
              onChange={(event) => {
                setChosen(event.target.value)
                const picked = list.find((template) => template.id === event.target.value)
                if (picked) onApply(picked.config)
              }}
            >
              <option value="">{list.length === 0 ? 'No saved templates yet' : `Choose one of ${formatNumber(list.length)}…`}</option>
              {list.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
            {current ? (
              <Button
                variant="ghost"
                size="sm"
                aria-label={`Delete the template ${current.name}`}
                onClick={() => remove.mutate(current.id, { onSuccess: () => (setChosen(''), toast.success(`Deleted the template “${current.name}”`)) })}
              >
                <Trash2 aria-hidden className="size-4" />
              </Button>
            ) : null}
          </div>
          <p className="text-xs text-muted">Endpoint, model, prompts and parameters; kept on the server for every browser.</p>
        </div>
        <form
          className="space-y-1.5"
          onSubmit={(event) => {
            event.preventDefault()
            submit()
          }}
        >
          <label htmlFor="template-name" className="block text-sm font-medium">
            Save these settings as
          </label>
          <div className="flex gap-2">
            <Input
              id="template-name"
              value={name}
              placeholder="e.g. Review sentiment"
              onChange={(event) => setName(event.target.value)}
              aria-invalid={error ? true : undefined}
            />
            <Button type="submit" variant="secondary" disabled={save.isPending || name.trim() === ''}>
              <Save aria-hidden className="size-4" />
              Save template
            </Button>
          </div>
          {error ? <p className="text-xs text-danger">{error}</p> : <p className="text-xs text-muted">Saving under an existing name replaces it.</p>}
        </form>
      </div>
    </Section>
  )
}

function RequestSettings({ config, columns, onChange }: { config: BuildConfig; columns: string[]; onChange: (change: Partial<BuildConfig>) => void }) {
  const features = ENDPOINT_FEATURES[config.endpoint]
  const id = useId()
  return (
    <Section title="2. Requests" id="requests-heading">
      <div className="space-y-5">
        <div className="grid gap-4 md:grid-cols-2">
          <div className="space-y-1.5">
            <label htmlFor={`${id}-endpoint`} className="block text-sm font-medium">
              Endpoint
            </label>
            <select
              id={`${id}-endpoint`}
              value={config.endpoint}
              className={selectClass}
              onChange={(event) => {
                const endpoint = event.target.value as BuilderEndpoint
                // A model left at the old endpoint's default follows the endpoint; one the user typed stays.
                const model = Object.values(DEFAULT_MODELS).includes(config.model) || config.model === '' ? DEFAULT_MODELS[endpoint] : config.model
                onChange({ endpoint, model })
              }}
            >
              {BUILDER_ENDPOINTS.map((endpoint) => (
                <option key={endpoint} value={endpoint}>
                  {ENDPOINT_LABELS[endpoint]} ({endpoint})
                </option>
              ))}
            </select>
          </div>
          <TextField
            id={`${id}-model`}
            label="Model"
            value={config.model}
            onChange={(event) => onChange({ model: event.target.value })}
            hint="Every request in a batch uses the same model. On the built-in engine, sim-chat runs on the simulator."
          />
        </div>
        {features.systemPrompt ? (
          <TemplateField
            id={`${id}-system`}
            label="System prompt"
            rows={2}
            value={config.systemPrompt}
            columns={columns}
            onChange={(systemPrompt) => onChange({ systemPrompt })}
            hint="Optional. Instructions sent with every request; it may use {{columns}} too."
          />
        ) : null}
        <TemplateField
          id={`${id}-user`}
          label={config.endpoint === '/v1/embeddings' || config.endpoint === '/v1/moderations' ? 'Input template' : 'User prompt'}
          value={config.userPrompt}
          columns={columns}
          onChange={(userPrompt) => onChange({ userPrompt })}
          hint="Write {{column}} where a row's value goes, or click a column below."
        />
        <div className="grid gap-4 md:grid-cols-2">
          <ColumnSelect
            id={`${id}-custom-id`}
            label="custom_id"
            value={config.customIdColumn}
            columns={columns}
            none="Row number (row-1, row-2, …)"
            hint="Each request's id in the results. A column must hold a unique value in every row."
            onChange={(customIdColumn) => onChange({ customIdColumn })}
          />
          {features.image ? (
            <ColumnSelect
              id={`${id}-image`}
              label="Image column"
              value={config.imageColumn}
              columns={columns}
              none="No image"
              hint="Image URLs (https://…) or data URLs; each becomes an image part of the request."
              onChange={(imageColumn) => onChange({ imageColumn })}
            />
          ) : null}
        </div>
        {features.temperature || features.maxTokens ? (
          <div className="grid gap-4 md:grid-cols-2">
            {features.temperature ? (
              <NumberField
                id={`${id}-temperature`}
                label="Temperature"
                step="0.1"
                min={0}
                max={2}
                value={config.temperature}
                onChange={(temperature) => onChange({ temperature })}
                hint="0 to 2; empty uses the model's default."
              />
            ) : null}
            {features.maxTokens ? (
              <NumberField
                id={`${id}-max-tokens`}
                label="Max output tokens"
                step="1"
                min={1}
                value={config.maxTokens}
                onChange={(maxTokens) => onChange({ maxTokens: maxTokens === null ? null : Math.round(maxTokens) })}
                hint={`Sent as ${config.endpoint === '/v1/chat/completions' ? 'max_completion_tokens' : config.endpoint === '/v1/responses' ? 'max_output_tokens' : 'max_tokens'}; empty sets no cap.`}
              />
            ) : null}
          </div>
        ) : null}
        {features.jsonSchema ? (
          <div className="space-y-1.5">
            <label htmlFor={`${id}-schema`} className="block text-sm font-medium">
              Structured output (JSON Schema)
            </label>
            <textarea
              id={`${id}-schema`}
              rows={3}
              value={config.jsonSchema}
              spellCheck={false}
              placeholder='{"type": "object", "properties": {"sentiment": {"type": "string"}}, "required": ["sentiment"], "additionalProperties": false}'
              onChange={(event) => onChange({ jsonSchema: event.target.value })}
              className="w-full rounded-md border border-border bg-background px-3 py-2 font-mono text-xs focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none"
            />
            <p className="text-xs text-muted">Optional. The answer must match it; the table export then has one column per top-level field.</p>
          </div>
        ) : null}
      </div>
    </Section>
  )
}

function ColumnSelect(props: {
  id: string
  label: string
  value: string | null
  columns: string[]
  none: string
  hint: string
  onChange: (value: string | null) => void
}) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <select
        id={props.id}
        value={props.value ?? ''}
        className={selectClass}
        onChange={(event) => props.onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">{props.none}</option>
        {props.columns.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
        {props.value !== null && !props.columns.includes(props.value) ? <option value={props.value}>{props.value} (not in this table)</option> : null}
      </select>
      <p className="text-xs text-muted">{props.hint}</p>
    </div>
  )
}

function NumberField(props: {
  id: string
  label: string
  value: number | null
  step: string
  min: number
  max?: number
  hint: string
  onChange: (value: number | null) => void
}) {
  // The text is kept as typed ("0." on the way to "0.5"); the number follows whenever it parses.
  const [text, setText] = useState(props.value === null ? '' : String(props.value))
  const [last, setLast] = useState(props.value)
  if (props.value !== last) {
    setLast(props.value)
    if (Number(text) !== props.value) setText(props.value === null ? '' : String(props.value))
  }
  return (
    <TextField
      id={props.id}
      label={props.label}
      type="number"
      inputMode="decimal"
      step={props.step}
      min={props.min}
      max={props.max}
      value={text}
      hint={props.hint}
      onChange={(event) => {
        setText(event.target.value)
        const number = event.target.value.trim() === '' ? null : Number(event.target.value)
        if (number === null || Number.isFinite(number)) props.onChange(number)
      }}
    />
  )
}

function IssueList({ issues, total, title, tone }: { issues: BuildIssue[]; total: number; title: string; tone: 'danger' | 'warning' }) {
  if (issues.length === 0) return null
  return (
    <Notice tone={tone} title={title}>
      <ul className="mt-1 list-disc space-y-0.5 pl-4">
        {issues.slice(0, 20).map((issue, index) => (
          <li key={index}>{issue.message}</li>
        ))}
      </ul>
      {total > Math.min(issues.length, 20) ? <p className="mt-1 text-xs">…and {formatNumber(total - Math.min(issues.length, 20))} more.</p> : null}
    </Notice>
  )
}

type ExportParts = ReturnType<typeof useTableBuild>['exportParts']

function BuildReport({
  state,
  filename,
  rowCount,
  onExport,
}: {
  state: ReturnType<typeof useTableBuild>['build']
  filename: string
  rowCount: number
  onExport: ExportParts
}) {
  return (
    <Section title="3. Check and create" id="check-heading">
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
    </Section>
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
  const ready = valid && (!several || consented)

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
            <Fact label="Size" value={formatBytes(outcome.parts.reduce((sum, part) => sum + part.bytes, 0))} />
          </dl>
          {cost ? <p className="text-sm text-muted">{cost}</p> : null}
          {several ? (
            <Notice tone="warning" title={`This makes ${outcome.parts.length} files`}>
              A batch holds at most 50,000 requests and 200 MB, so the rows are cut into {outcome.parts.map((part) => part.name).join(', ')}: each runs as its
              own batch.
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
          <FileActions ready={ready} filename={filename} outcomeId={outcome.id} onExport={onExport} />
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

function FileActions({ ready, filename, outcomeId, onExport }: { ready: boolean; filename: string; outcomeId: number; onExport: ExportParts }) {
  const router = useRouter()
  const upload = useUploadBatchFile()
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<{ id: number; files: FileSummary[] } | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function download() {
    try {
      for (const part of await onExport()) downloadBlob(part.name, part.file)
    } catch (failure) {
      toast.error(failure instanceof Error ? failure.message : 'The file could not be saved.')
    }
  }

  async function create() {
    setBusy(true)
    setError(null)
    try {
      const parts = await onExport()
      const files: FileSummary[] = []
      for (const part of parts) {
        const result = await upload.start(new File([part.file], part.name, { type: 'application/jsonl' }))
        if (result.status !== 'done') throw new Error(result.status === 'failed' ? result.error.message : 'The upload was cancelled.')
        await uploadSourceTable(result.file.id, part.table)
        files.push(result.file)
      }
      const [first] = files
      if (files.length === 1 && first) {
        toast.success(`Uploaded ${first.filename}`, { description: `Built from ${filename}; choose where it runs.` })
        router.push(`/batches/new?file=${encodeURIComponent(first.id)}`)
      } else setCreated({ id: outcomeId, files })
    } catch (failure) {
      setError(failure instanceof ActionError || failure instanceof Error ? failure.message : 'The file could not be uploaded. Try again.')
    } finally {
      setBusy(false)
    }
  }

  const uploading = upload.state.status === 'uploading' ? upload.state : null
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={() => void create()} disabled={!ready || busy}>
          <Rocket aria-hidden className="size-4" />
          Create batch
        </Button>
        <Button variant="secondary" onClick={() => void download()} disabled={!ready || busy}>
          <Download aria-hidden className="size-4" />
          Download .jsonl
        </Button>
        <p className="text-xs text-muted">Create batch uploads the file and the table (so answers can be joined back to it), then opens New batch.</p>
      </div>
      {busy ? (
        <ProgressBar value={uploading && uploading.totalBytes > 0 ? uploading.sentBytes / uploading.totalBytes : null} label="Uploading the batch file" />
      ) : null}
      {error ? (
        <Notice tone="danger" title="The batch file was not uploaded">
          {error}
        </Notice>
      ) : null}
      {created?.id === outcomeId ? (
        <div className="rounded-lg border border-border p-3 text-sm">
          <p className="font-medium">Uploaded {created.files.length} files; start a batch for each:</p>
          <ul className="mt-2 space-y-1">
            {created.files.map((file) => (
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
