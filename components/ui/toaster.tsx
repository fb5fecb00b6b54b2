'use client'

import { useTheme } from 'next-themes'
import type { CSSProperties } from 'react'
import { Toaster as Sonner } from 'sonner'

// Sonner's own palette, pointed at the app's tokens so toasts match both themes.
const TOKENS = {
  '--normal-bg': 'var(--surface)',
  '--normal-text': 'var(--foreground)',
  '--normal-border': 'var(--border)',
} as CSSProperties

export function Toaster() {
  const { resolvedTheme } = useTheme()
  return (
    <Sonner
      theme={resolvedTheme === 'dark' ? 'dark' : 'light'}
      position="bottom-right"
      style={TOKENS}
      toastOptions={{ classNames: { description: 'text-muted!' } }}
    />
  )
}
