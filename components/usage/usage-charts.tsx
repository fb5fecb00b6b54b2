'use client'

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatCompact, formatCost } from '@/lib/format'
import type { UsageDay, UsageGroup } from '@/lib/types'

// SVG fills read the theme's CSS variables, so the charts follow light and dark mode without re-rendering.
const COLORS = { cost: 'var(--accent)', standard: 'var(--muted)', input: 'var(--accent)', output: 'var(--success)' }
const axis = { stroke: 'var(--muted)', fontSize: 11, tickLine: false, axisLine: false } as const
const tooltipStyle = {
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12, color: 'var(--foreground)' },
  labelStyle: { color: 'var(--foreground)', fontWeight: 600 },
  cursor: { fill: 'var(--subtle)' },
}

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })
// Recharts colours legend labels like their series; the page's text colour reads better on both themes.
const legend = { wrapperStyle: { fontSize: 12 }, formatter: (value: string) => <span style={{ color: 'var(--foreground)' }}>{value}</span> }
const costTick = (value: number) => (value === 0 ? '$0' : formatCost(value))
const costValue = (value: unknown) => formatCost(Number(value))
const tokenValue = (value: unknown) => formatCompact(Number(value))

export function CostPerDayChart({ days }: { days: UsageDay[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="day" tickFormatter={shortDay} {...axis} minTickGap={16} />
        <YAxis tickFormatter={costTick} {...axis} width={64} />
        <Tooltip {...tooltipStyle} labelFormatter={(day) => shortDay(String(day))} formatter={costValue} />
        <Legend {...legend} />
        <Bar dataKey="cost" name="Cost" fill={COLORS.cost} radius={[3, 3, 0, 0]} />
        <Bar dataKey="standardCost" name="As ordinary requests" fill={COLORS.standard} fillOpacity={0.35} radius={[3, 3, 0, 0]} />
      </BarChart>
    </ResponsiveContainer>
  )
}

export function TokensPerDayChart({ days }: { days: UsageDay[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="day" tickFormatter={shortDay} {...axis} minTickGap={16} />
        <YAxis tickFormatter={tokenValue} {...axis} width={48} />
        <Tooltip {...tooltipStyle} labelFormatter={(day) => shortDay(String(day))} formatter={tokenValue} />
        <Legend {...legend} />
        <Bar dataKey="inputTokens" name="Input tokens" stackId="tokens" fill={COLORS.input} />
        <Bar dataKey="outputTokens" name="Output tokens" stackId="tokens" fill={COLORS.output} radius={[3, 3, 0, 0]} />
      </BarChart>
    </ResponsiveContainer>
  )
}

/** Horizontal bars of tokens per model or connection: tokens show every group, priced or not. */
export function GroupTokensChart({ groups }: { groups: UsageGroup[] }) {
  const top = groups.slice(0, 8)
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, top.length * 36 + 32)}>
      <BarChart data={top} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid horizontal={false} stroke="var(--border)" />
        <XAxis type="number" tickFormatter={tokenValue} {...axis} />
        <YAxis type="category" dataKey="label" {...axis} width={140} />
        <Tooltip {...tooltipStyle} formatter={tokenValue} />
        <Bar dataKey="totalTokens" name="Tokens" fill={COLORS.input} radius={[0, 3, 3, 0]} />
      </BarChart>
    </ResponsiveContainer>
  )
}
