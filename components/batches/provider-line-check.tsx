'use client'

import { CircleAlert, CircleCheck } from 'lucide-react'
import { formatNumber } from '@/lib/format'
import { useProviderCheck } from '@/lib/queries/files'
import type { ConnectionSummary } from '@/lib/types'

/** Whether a connection's kind translates OpenAI lines (so New batch checks them first). */
export const translatesLines = (connection: ConnectionSummary | undefined) => connection?.kind === 'anthropic' || connection?.kind === 'gemini'

/**
 * New batch on an Anthropic or Gemini connection: every line is translated on the server (nothing is sent to the
 * provider) and the lines that do not translate are listed with what to change. Create stays off while there are any.
 */
export function ProviderLineCheck({ fileId, connection }: { fileId: string; connection: ConnectionSummary }) {
  const check = useProviderCheck(fileId, connection.id, true)
  if (check.isPending) return <p className="text-sm text-muted">Checking that every line translates for {connection.name}…</p>
  if (check.error) return <p className="text-sm text-danger">The lines could not be checked: {check.error.message}</p>
  const { errors, errorCount } = check.data
  const maxTokensNote =
    connection.kind === 'anthropic'
      ? connection.defaultMaxTokens === null
        ? ' Anthropic requires max tokens: lines without one are refused until the connection has a default.'
        : ` Lines without max_completion_tokens get ${formatNumber(connection.defaultMaxTokens)} (the connection's default).`
      : ''
  if (errorCount === 0)
    return (
      <p className="flex items-start gap-2 text-sm text-muted">
        <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
        <span>
          Every line translates for {connection.name}.{maxTokensNote}
        </span>
      </p>
    )
  return (
    <div role="alert" className="space-y-2 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm">
      <p className="flex items-start gap-2 font-medium">
        <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
        {formatNumber(errorCount)} {errorCount === 1 ? 'line does' : 'lines do'} not translate for {connection.name}: change {errorCount === 1 ? 'it' : 'them'}{' '}
        and upload the file again, or run it on an OpenAI-compatible connection.{maxTokensNote}
      </p>
      <ul className="space-y-1 pl-6">
        {errors.map((error, index) => (
          <li key={`${error.line}-${index}`}>
            {error.line === null ? null : <span className="font-mono text-xs">Line {error.line}</span>}{' '}
            {error.param ? <code className="font-mono text-xs text-muted">{error.param}</code> : null} {error.message}
          </li>
        ))}
      </ul>
      {errorCount > errors.length ? <p className="pl-6 text-muted">…and {formatNumber(errorCount - errors.length)} more.</p> : null}
    </div>
  )
}
