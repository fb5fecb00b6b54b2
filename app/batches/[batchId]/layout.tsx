import { notFound } from 'next/navigation'
import type { ReactNode } from 'react'
import { requirePageSession } from '@/lib/server/auth'
import { batchExists } from '@/lib/server/batches'

// The check sits above the page's loading boundary: a page that streams has already sent 200 by the time it
// could call notFound(), so an unknown id answered 200 with a not-found body. Here it is a real 404, for the
// batch page and every page under it.
export default async function BatchLayout({ children, params }: { children: ReactNode; params: Promise<{ batchId: string }> }) {
  // Reading the database on the server: the session is checked here, not only by the root layout.
  await requirePageSession()
  const { batchId } = await params
  if (!(await batchExists(batchId))) notFound()
  return children
}
