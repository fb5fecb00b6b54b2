import type { Metadata } from 'next'
import { SystemInfo } from '@/components/settings/system-info'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Settings' }

export default function SettingsPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Where Batchboard keeps its data, and how it is configured." />
      <SystemInfo />
    </div>
  )
}
