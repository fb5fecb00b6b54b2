'use client'

import { LogOut } from 'lucide-react'
import { toast } from 'sonner'
import { useLogout } from '@/lib/queries/auth'

export function LogoutButton() {
  const logout = useLogout()
  return (
    <button
      type="button"
      onClick={() => logout.mutate(undefined, { onError: (error) => toast.error(error.message) })}
      disabled={logout.isPending || logout.isSuccess}
      className="flex w-full items-center gap-2.5 rounded-md px-2.5 py-2 text-sm text-muted transition-colors hover:bg-subtle hover:text-foreground disabled:opacity-60"
    >
      <LogOut aria-hidden className="size-4" />
      {logout.isPending || logout.isSuccess ? 'Logging out…' : 'Log out'}
    </button>
  )
}
