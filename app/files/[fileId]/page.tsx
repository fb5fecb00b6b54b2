import type { Metadata } from 'next'
import { FileDetailView } from '@/components/files/file-detail'

export const metadata: Metadata = { title: 'File' }

export default async function FilePage({ params }: { params: Promise<{ fileId: string }> }) {
  const { fileId } = await params
  return <FileDetailView fileId={fileId} />
}
