import { BarChart3, Files, Layers, Plug, PlusCircle, Settings, Table2, Workflow, type LucideIcon } from 'lucide-react'

export type NavItem = { href: string; label: string; icon: LucideIcon }

export const NAV_ITEMS: NavItem[] = [
  { href: '/', label: 'Batches', icon: Layers },
  { href: '/batches/new', label: 'New batch', icon: PlusCircle },
  { href: '/jobs', label: 'Jobs', icon: Workflow },
  { href: '/files/build', label: 'Build from table', icon: Table2 },
  { href: '/files', label: 'Files', icon: Files },
  { href: '/connections', label: 'Connections', icon: Plug },
  { href: '/usage', label: 'Usage', icon: BarChart3 },
  { href: '/settings', label: 'Settings', icon: Settings },
]

/** The nav item a path belongs to: the longest matching prefix, so /batches/new is not "Batches". */
export function activeNavHref(pathname: string): string | undefined {
  const matches = NAV_ITEMS.filter(({ href }) =>
    href === '/'
      ? pathname === '/' || (pathname.startsWith('/batches/') && !pathname.startsWith('/batches/new'))
      : pathname === href || pathname.startsWith(`${href}/`),
  )
  return matches.sort((a, b) => b.href.length - a.href.length)[0]?.href
}
