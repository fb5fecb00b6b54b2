import { cn } from './cn'
import { ErrorNotice } from './error-notice'
import { Skeleton } from './skeleton'
import type { ConnectionSummary } from '@/lib/types'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'

type ConnectionPickerProps = {
  connections: ConnectionSummary[] | undefined
  error: string | null
  value: string
  onChange: (id: string) => void
}

/** Where a new batch runs: one radio card per connection. */
export function ConnectionPicker({ connections, error, value, onChange }: ConnectionPickerProps) {
  if (error) return <ErrorNotice title="Could not load connections" message={error} />
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Connection</legend>
      {connections === undefined ? (
        <Skeleton className="h-14 w-full" />
      ) : (
        <div className="grid gap-2 sm:grid-cols-2">
          {connections.map((connection) => (
            <label
              key={connection.id}
              className={cn(
                'flex cursor-pointer items-start gap-3 rounded-lg border px-3 py-2.5 text-sm',
                value === connection.id ? 'border-accent ring-1 ring-accent' : 'border-border',
              )}
            >
              <input
                type="radio"
                name="connection"
                value={connection.id}
                checked={value === connection.id}
                onChange={() => onChange(connection.id)}
                className="mt-1 accent-[var(--accent)]"
              />
              <span className="min-w-0">
                <span className="block font-medium">{connection.name}</span>
                <span className="block truncate text-xs text-muted">
                  {connection.kind === BUILTIN_CONNECTION_KIND
                    ? 'Runs here, against your upstreams or the simulator'
                    : connection.kind === 'anthropic'
                      ? `Sends the translated requests to ${connection.baseUrl ?? 'Anthropic'}`
                      : `Uploads the file to ${connection.baseUrl ?? 'the provider'}`}
                </span>
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  )
}
