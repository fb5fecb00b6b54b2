const integer = new Intl.NumberFormat('en-US')

export const formatNumber = (value: number) => integer.format(value)

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** Bytes in decimal units (as the OpenAI limits are stated: 200 MB = 200,000,000 bytes). */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`
}

/** A per-batch limit in the MB (MiB) it is stated and typed in: 200 * 1024 * 1024 bytes reads "200 MB", not "210 MB". */
export const formatLimitBytes = (bytes: number) => `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' })

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso))

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
]

/** "3 minutes ago", "in 2 hours". */
export function formatRelative(iso: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return relative.format(Math.round(value), 'year')
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": a duration or an ETA at a glance. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return '< 1 s'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/** Token counts at a glance: "980", "12.4K", "3.1M". */
export function formatCompact(value: number): string {
  if (value < 10_000) return formatNumber(value)
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}K`
  return `${(value / 1_000_000).toFixed(1)}M`
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 })
const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 })

/** "$12.34", "$0.0421", "< $0.0001": small batches cost fractions of a cent, and rounding them to $0.00 would read as free. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00'
  if (usd >= 1) return dollars.format(usd)
  if (usd < 0.0001) return '< $0.0001'
  return cents.format(usd)
}

/** A price per 1M tokens: "$10.00", "$0.075", "$0.0625". */
/** A request's duration: milliseconds under a second, else seconds. */
export const formatLatency = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`)

export const formatPrice = (usdPerMillion: number) => cents.format(usdPerMillion)
