'use client'

import { CircleCheck, Download, KeyRound, Plug } from 'lucide-react'
import { toast } from 'sonner'
import { PANEL } from '@/components/ui/card'
import { cn } from '@/components/ui/cn'
import { Button } from '@/components/ui/button'
import { formatNumber } from '@/lib/format'
import { useDeleteConnection, useImportBatches, useTestConnection } from '@/lib/queries/connections'
import type { ConnectionSummary, ConnectionTestResult } from '@/lib/types'
import { CardActions, TestFailed } from './card-actions'
import { CardHeading, SettingRow } from './card-parts'

function TestOutcome({ result }: { result: ConnectionTestResult }) {
  if (result.ok) {
    const seen =
      result.batchesSeen === 0
        ? 'no batches yet'
        : result.hasMore
          ? 'batches listed'
          : `${formatNumber(result.batchesSeen)} ${result.batchesSeen === 1 ? 'batch' : 'batches'} listed`
    return (
      <div role="status" className="flex items-start gap-2 rounded-lg border border-success/40 bg-success/5 p-3 text-sm">
        <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
        <p className="font-medium">
          Connected in {formatNumber(result.latencyMs)} ms: {seen}
        </p>
      </div>
    )
  }
  return <TestFailed latencyMs={result.latencyMs} message={result.message} />
}

/** An OpenAI-compatible batch API: its settings (the key as a hint only), Test, and Edit / Delete unless set by the environment. */
export function ConnectionCard({ connection, onEdit }: { connection: ConnectionSummary; onEdit: () => void }) {
  const test = useTestConnection()
  const remove = useDeleteConnection()
  const importing = useImportBatches()
  const fromEnv = connection.source === 'env'
  return (
    <li aria-label={connection.name} className={cn(PANEL, 'flex flex-col p-4')}>
      <CardHeading icon={Plug} name={connection.name} baseUrl={connection.baseUrl} fromEnv={fromEnv} />
      <dl className="mt-3 flex-1 divide-y divide-border text-sm">
        <SettingRow label="API key">
          {connection.apiKeyHint ? (
            <span className="inline-flex items-center gap-1.5 font-mono text-xs">
              <KeyRound aria-hidden className="size-3.5 text-muted" />
              •••• {connection.apiKeyHint}
            </span>
          ) : (
            <span className="text-muted">None</span>
          )}
        </SettingRow>
        {connection.organization ? (
          <SettingRow label="Organization">
            <span className="font-mono text-xs break-all">{connection.organization}</span>
          </SettingRow>
        ) : null}
        {connection.project ? (
          <SettingRow label="Project">
            <span className="font-mono text-xs break-all">{connection.project}</span>
          </SettingRow>
        ) : null}
        <SettingRow label="Batches">{formatNumber(connection.batchCount)}</SettingRow>
        <SettingRow label="Webhooks">
          {connection.webhookSecretSet ? 'Signing secret stored' : <span className="text-muted">Not set (polling only)</span>}
        </SettingRow>
      </dl>
      {fromEnv ? <p className="mt-3 text-xs text-muted">Set by OPENAI_API_KEY; change it there and restart.</p> : null}
      <CardActions
        id={connection.id}
        name={connection.name}
        kind="connection"
        testLabel="Test connection"
        test={test}
        outcome={test.data ? <TestOutcome result={test.data} /> : null}
        readOnly={fromEnv}
        onEdit={onEdit}
        remove={remove}
      >
        Its stored key is deleted with it. Nothing changes on the provider: its batches and files stay there.
      </CardActions>
      <div className="mt-3 border-t border-border pt-3">
        <Button
          variant="secondary"
          size="sm"
          disabled={importing.isPending}
          aria-label={`Import batches from ${connection.name}`}
          onClick={() =>
            importing.mutate(connection.id, {
              onSuccess: ({ seen, imported }) =>
                toast.success(imported === 0 ? 'No new batches' : `Imported ${formatNumber(imported)} ${imported === 1 ? 'batch' : 'batches'}`, {
                  description: `${formatNumber(seen)} listed on ${connection.name}; ${imported === 0 ? 'Batchboard knew them all' : 'they sync like the others, and finished ones get their files copied here'}.`,
                }),
            })
          }
        >
          <Download aria-hidden className="size-4" />
          {importing.isPending ? 'Importing…' : 'Import batches'}
        </Button>
        {importing.error ? (
          <p role="alert" className="mt-2 text-sm text-danger">
            {importing.error.message}
          </p>
        ) : (
          <p className="mt-1.5 text-xs text-muted">Lists every batch on the provider and records those made elsewhere (scripts, notebooks).</p>
        )}
      </div>
    </li>
  )
}
