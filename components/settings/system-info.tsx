'use client'

import { PANEL } from '@/components/ui/card'
import { ErrorNotice } from '@/components/ui/error-notice'
import { ListSkeleton } from '@/components/ui/skeleton'
import { useSystemInfo } from '@/lib/queries/system'

export function SystemInfo() {
  const { data, error, isPending, refetch } = useSystemInfo()
  if (isPending) return <ListSkeleton rows={3} label="Loading settings" />
  if (error) return <ErrorNotice title="Could not load settings" message={error.message} onRetry={() => void refetch()} />
  const rows = [
    ['Data directory', data.dataDir, 'Back up this one folder: database, uploads and results all live here. Set with DATA_DIR.'],
    ['Database', data.databasePath, data.databaseKind === 'postgresql' ? 'PostgreSQL. Set with DATABASE_URL.' : 'SQLite in WAL mode. Set with DATABASE_URL.'],
    ['Version', data.version, null],
  ] as const
  return (
    <section aria-labelledby="storage-heading" className={PANEL}>
      <h2 id="storage-heading" className="border-b border-border px-5 py-3 text-sm font-semibold">
        Storage
      </h2>
      <dl className="divide-y divide-border">
        {rows.map(([label, value, help]) => (
          <div key={label} className="grid gap-1 px-5 py-3 sm:grid-cols-[12rem_1fr]">
            <dt className="text-sm text-muted">{label}</dt>
            <dd className="min-w-0">
              <code className="font-mono text-sm break-all">{value}</code>
              {help ? <p className="mt-0.5 text-xs text-muted">{help}</p> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
