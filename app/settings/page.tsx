import type { Metadata } from 'next'
import { ApiKeys } from '@/components/settings/api-keys'
import { Prices } from '@/components/settings/prices'
import { SystemInfo } from '@/components/settings/system-info'
import { V1Api } from '@/components/settings/v1-api'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Settings' }

export default function SettingsPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Where Batchboard keeps its data, the prices costs are computed with, and the keys for its /v1 API." />
      <SystemInfo />
      <Prices />
      <ApiKeys />
      <V1Api />
    </div>
  )
}
