import { CircleCheck, CircleX, Info, Workflow } from 'lucide-react'
import type { ReactNode } from 'react'
import { DEFAULT_BATCH_LIMITS, plannedBatchCount } from '@/lib/connections/limits'
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS, describeNativeFormat, isNativeFormat, type ValidationReport } from '@/lib/jsonl'
import { formatBytes, formatCompact, formatNumber } from '@/lib/format'
import { describeMaxTokens, isGenerationEndpoint } from './file-format'

export const countErrors = (count: number) => (count === 1 ? '1 error' : `${formatNumber(count)} errors`)

/** The verdict on a checked file, then what the file holds. */
export function CheckSummary({
  report,
  readyTitle = 'Ready to upload',
  fixHint = 'Fix them in the file, then drop it again. Nothing has been uploaded.',
}: {
  report: ValidationReport
  readyTitle?: string
  fixHint?: string
}) {
  const overLimit = report.blockingErrorCount === 0 && !report.ok
  return (
    <div className="space-y-4 px-4 py-4">
      {report.blockingErrorCount === 0 ? (
        <div className="flex items-start gap-3">
          <CircleCheck aria-hidden className="mt-0.5 size-5 shrink-0 text-success" />
          <div>
            <h2 className="text-base font-semibold">{readyTitle}</h2>
            <p className="text-sm text-muted">
              No problems found in {report.facts.requestCount === 1 ? '1 request' : `${formatNumber(report.facts.requestCount)} requests`}.
            </p>
          </div>
        </div>
      ) : (
        <div className="flex items-start gap-3">
          <CircleX aria-hidden className="mt-0.5 size-5 shrink-0 text-danger" />
          <div>
            <h2 className="text-base font-semibold">{countErrors(report.blockingErrorCount)}</h2>
            <p className="text-sm text-muted">{fixHint}</p>
          </div>
        </div>
      )}
      {isNativeFormat(report.facts.format) ? (
        <p role="status" data-testid="native-format" className="flex items-start gap-2 rounded-lg border border-border bg-subtle/50 px-3 py-2 text-sm">
          <Info aria-hidden className="mt-0.5 size-4 shrink-0 text-accent" />
          <span>{describeNativeFormat(report.facts.format)}: its lines go to the provider as they are.</span>
        </p>
      ) : null}
      {overLimit ? <OverBatchLimit facts={report.facts} /> : null}
      <FileFacts facts={report.facts} />
    </div>
  )
}

/** A file over one batch's limits (OpenAI's, until a connection is chosen) is no error: it runs as a job of several batches. */
function OverBatchLimit({ facts }: { facts: ValidationReport['facts'] }) {
  const parts = plannedBatchCount({ lineCount: facts.requestCount, bytes: facts.bytes, estimatedTokens: null }, DEFAULT_BATCH_LIMITS.openai!, null)
  const size =
    facts.requestCount > DEFAULT_MAX_REQUESTS
      ? `${formatNumber(facts.requestCount)} requests`
      : `${formatBytes(facts.bytes)} (${formatBytes(DEFAULT_MAX_BYTES)} per batch)`
  return (
    <p role="status" data-testid="over-batch-limit" className="flex items-start gap-2 rounded-lg border border-border bg-subtle/50 px-3 py-2 text-sm">
      <Workflow aria-hidden className="mt-0.5 size-4 shrink-0 text-accent" />
      <span>
        Over one batch&apos;s limit: {size}. It can run as a <strong>job of {formatNumber(parts)} batches</strong> of at most{' '}
        {formatNumber(DEFAULT_MAX_REQUESTS)} requests (on OpenAI; the connection you choose next sets the exact split), but not as a single batch.
      </span>
    </p>
  )
}

function FileFacts({ facts }: { facts: ValidationReport['facts'] }) {
  const items: { label: string; value: ReactNode; title?: string }[] = [
    { label: 'Endpoint', value: facts.endpoint ? <code className="font-mono text-xs">{facts.endpoint}</code> : '—' },
    { label: 'Model', value: facts.model ? <code className="font-mono text-xs">{facts.model}</code> : '—' },
    { label: 'Requests', value: formatNumber(facts.requestCount) },
    {
      label: 'Est. input tokens',
      value: facts.estimatedInputTokens === null ? '—' : `${facts.tokenEstimate === 'sampled' ? '≈ ' : ''}${formatCompact(facts.estimatedInputTokens)}`,
      title:
        facts.estimatedInputTokens === null
          ? undefined
          : `${formatNumber(facts.estimatedInputTokens)} tokens of text (${facts.tokenEncoding ?? 'unknown encoding'}${facts.tokenEstimate === 'sampled' ? ', part of it sampled' : ''}); images, tools and audio are not counted.`,
    },
    facts.endpoint === '/v1/embeddings'
      ? { label: 'Embedding inputs', value: formatNumber(facts.embeddingInputCount) }
      : { label: 'Images', value: formatNumber(facts.imageInputCount) },
    ...(isGenerationEndpoint(facts.endpoint)
      ? [
          {
            label: 'max_tokens',
            value: describeMaxTokens(facts.maxTokens),
            title: 'The output cap each request sets (max_tokens, max_completion_tokens or max_output_tokens)',
          },
        ]
      : []),
    { label: 'Size', value: `${formatBytes(facts.bytes)} · ${formatNumber(facts.lines)} lines` },
  ]
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg bg-subtle/60 px-4 py-3 text-sm sm:grid-cols-4">
      {items.map(({ label, value, title }) => (
        <div key={label} className="min-w-0" title={title}>
          <dt className="text-xs text-muted">{label}</dt>
          <dd className="mt-0.5 truncate font-medium tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  )
}
