import { ChevronLeft } from 'lucide-react'
import type { Metadata } from 'next'
import Link from 'next/link'
import { BuiltinEngine } from '@/components/connections/builtin-engine'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Built-in engine' }

export default function BuiltinEnginePage() {
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <Link href="/connections" className="inline-flex items-center gap-1 text-sm text-muted hover:text-foreground">
          <ChevronLeft aria-hidden className="size-4" />
          Connections
        </Link>
        <PageHeader
          title="Built-in engine"
          description="Runs batch files line by line against the upstreams below: OpenAI-compatible servers, or the simulator."
        />
      </div>
      <BuiltinEngine />
    </div>
  )
}
