import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { SetupForm } from '@/components/auth/setup-form'
import { LOGIN_PATH } from '@/lib/auth'
import { getPageAccess } from '@/lib/server/auth'

export const metadata: Metadata = { title: 'Set up' }

export default async function SetupPage() {
  const access = await getPageAccess()
  // Once a password exists this page is gone: it can never replace the password.
  if (access === 'signed-out') redirect(LOGIN_PATH)
  if (access !== 'setup-needed') redirect('/')
  return (
    <AuthCard
      title="Welcome to Batchboard"
      description="Create the admin password. Everyone who opens this dashboard will need it: it guards your API keys and results."
    >
      <SetupForm />
    </AuthCard>
  )
}
