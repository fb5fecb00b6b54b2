'use client'

import { ErrorNotice } from '@/components/ui/error-notice'

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return <ErrorNotice title="This page failed to load" message="The details are in the server log. Try again, or reload the page." onRetry={reset} />
}
