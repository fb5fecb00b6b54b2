'use client'

import { CircleCheck, Info } from 'lucide-react'
import { useSyncExternalStore } from 'react'
import { PANEL } from '@/components/ui/card'
import { CopyButton } from '@/components/ui/copy-button'
import { useApiKeys } from '@/lib/queries/api-keys'

const noSubscription = () => () => {}

/** The address the browser reached Batchboard at: what a script on this machine would use too. */
const useOrigin = () =>
  useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => null,
  )

export function V1Api() {
  const origin = useOrigin()
  const { data } = useApiKeys()
  const baseUrl = `${origin ?? 'http://localhost:3000'}/v1`
  const snippet = [
    "import OpenAI from 'openai'",
    `const client = new OpenAI({ baseURL: '${baseUrl}', apiKey: process.env.BATCHBOARD_API_KEY })`,
    'const page = await client.batches.list({ limit: 5 })',
    'for (const batch of page.data) console.log(batch.id, batch.status, batch.request_counts)',
  ].join('\n')
  return (
    <section aria-labelledby="v1-heading" className={PANEL}>
      <div className="border-b border-border px-5 py-3">
        <h2 id="v1-heading" className="text-sm font-semibold">
          Use the /v1 API
        </h2>
        <p className="mt-0.5 text-xs text-muted">The built-in engine speaks OpenAI&apos;s files and batches API, so the official SDKs work unchanged.</p>
      </div>
      <div className="space-y-4 px-5 py-4">
        <div className="grid gap-1 sm:grid-cols-[12rem_1fr]">
          <span className="text-sm text-muted">Base URL</span>
          <div className="flex min-w-0 items-center gap-2">
            <code aria-label="Base URL" className="min-w-0 font-mono text-sm break-all">
              {baseUrl}
            </code>
            <CopyButton text={baseUrl} label="Copy URL" variant="ghost" />
          </div>
        </div>
        <div className="space-y-2">
          <div className="flex items-center justify-between gap-2">
            <span className="text-sm text-muted">With the openai SDK</span>
            <CopyButton text={snippet} label="Copy code" variant="ghost" />
          </div>
          <pre className="overflow-x-auto rounded-lg border border-border bg-background p-3 font-mono text-xs leading-relaxed">{snippet}</pre>
          <p className="text-xs text-muted">Upload files and create batches with client.files.create and client.batches.create, exactly as with OpenAI.</p>
        </div>
        {data ? (
          <p className="flex items-start gap-2 text-sm">
            {data.envKeySet ? (
              <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
            ) : (
              <Info aria-hidden className="mt-0.5 size-4 shrink-0 text-muted" />
            )}
            <span>
              {data.envKeySet
                ? 'BATCHBOARD_API_KEY is set in the server’s environment and is accepted too.'
                : 'BATCHBOARD_API_KEY is not set in the server’s environment: only keys created here are accepted.'}
            </span>
          </p>
        ) : null}
      </div>
    </section>
  )
}
