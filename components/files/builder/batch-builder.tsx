'use client'

import { useRef } from 'react'
import { ProgressBar } from '@/components/ui/progress-bar'
import { DropZone, FilePicker } from '../drop-zone'
import { BuildReport } from './build-report'
import { builderValues, useBuilderForm } from './builder-form'
import { Notice } from './notice'
import { RequestSettings } from './request-settings'
import { SavedTemplates } from './saved-templates'
import { TablePreview } from './table-preview'
import { useTableBuild } from './use-table-build'

/** From a table and a prompt template to a checked batch file, then a download or the New batch flow. */
export function BatchBuilder() {
  const { form, config } = useBuilderForm()
  const { table, build, load, clear, exportParts } = useTableBuild(config)
  const input = useRef<HTMLInputElement>(null)

  const picker = <FilePicker ref={input} accept=".csv,.tsv,.txt,.jsonl,.ndjson" label="Table file" onFiles={([file]) => load(file!)} />

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
      <SavedTemplates config={config} onApply={(saved) => form.reset(builderValues(saved))} />
      <RequestSettings form={form} columns={source.columns} />
      <BuildReport state={build} filename={source.filename} onExport={exportParts} rowCount={source.rowCount} />
    </div>
  )
}
