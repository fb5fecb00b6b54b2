import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { LoginForm } from '@/components/auth/login-form'
import { safeNextPath, SETUP_PATH } from '@/lib/auth'
import { getPageAccess } from '@/lib/server/auth'

export const metadata: Metadata = { title: 'Log in' }

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams
  const target = safeNextPath(typeof next === 'string' ? next : undefined)
  const access = await getPageAccess()
  if (access === 'setup-needed') redirect(SETUP_PATH)
  if (access !== 'signed-out') redirect(target)
  return (
    <AuthCard title="Log in" description="Enter the admin password to open the dashboard.">
      <LoginForm next={target} />
    </AuthCard>
  )
}
