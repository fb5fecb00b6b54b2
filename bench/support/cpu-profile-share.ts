// `npx tsx bench/support/cpu-profile-share.ts <file.cpuprofile>`: where a process's CPU went, as shares of its busy time
// (sampled time minus idle), for the groups of frames below (the remote sync's, issue 18). A group's "inclusive" time
// counts every sample with one of its frames on the stack: after an `await` the stack starts again at the resumed
// function, so that is the most a group's own code can be charged with. The top self-time frames follow. The server's
// bundle names its functions shortly: frames are traced back to their source files through the chunks' source maps.
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number }
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] }
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
type Group = { name: string; source: RegExp }

const maps = new Map<string, SourceMap | null>()

/** The source file a frame's code came from: through the chunk's source map for the bundle, else its own URL. */
function sourceOf({ url, lineNumber, columnNumber }: CallFrame): string {
  if (!url.startsWith('file://') || !url.includes('/.next/')) return url
  if (!maps.has(url)) {
    const file = `${fileURLToPath(url)}.map`
    maps.set(url, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null)
  }
  const entry = maps.get(url)?.findEntry(lineNumber, columnNumber)
  return entry && 'originalSource' in entry ? entry.originalSource : url
}

/** The sync's frames, by the source file they come from. */
export const SYNC_GROUPS: Group[] = [
  {
    name: 'sync loop and refresh (connections/sync.ts, map-batch, provider, openai)',
    source: /lib\/server\/connections\/(sync|sync-policy|map-batch|provider|openai|provider-errors)\.ts/,
  },
  { name: 'file copy (connections/local-files.ts)', source: /lib\/server\/connections\/local-files\.ts/ },
  { name: 'onBatchTerminal (batches/terminal.ts: usage, results index)', source: /lib\/server\/(batches\/terminal|usage|results\/)/ },
  { name: 'openai SDK (any caller)', source: /node_modules\/openai\// },
  { name: 'remote batch create and cleanup (remote-batches.ts, cleanup.ts)', source: /lib\/server\/connections\/(remote-batches|cleanup)\.ts/ },
  { name: 'uploads (lib/server/files, any caller)', source: /lib\/server\/files\// },
  { name: 'status reads (lib/server/batches, any caller)', source: /lib\/server\/batches\/(index|rows|list)\.ts/ },
]

export function profileShares(profile: Profile, groups: Group[] = SYNC_GROUPS) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const source = new Map(profile.nodes.map((node) => [node.id, sourceOf(node.callFrame)]))
  const self = new Map<number, number>()
  const inclusive = groups.map(() => 0)
  let total = 0
  for (const [index, id] of profile.samples.entries()) {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000
    total += ms
    self.set(id, (self.get(id) ?? 0) + ms)
    const seen = groups.map(() => false)
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const file = source.get(at)!
      groups.forEach((group, g) => {
        if (!seen[g] && group.source.test(file)) seen[g] = true
      })
    }
    seen.forEach((hit, g) => {
      if (hit) inclusive[g]! += ms
    })
  }
  const selfOf = (name: string) => [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === name).reduce((sum, [, ms]) => sum + ms, 0)
  const busy = total - selfOf('(idle)')
  const top = new Map<string, number>()
  for (const [id, ms] of self) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === '(idle)') continue
    const key = `${frame.functionName || '(anonymous)'} ${path.relative(process.cwd(), source.get(id)!.replace(/^file:\/\//, '')) || source.get(id)}`
    top.set(key, (top.get(key) ?? 0) + ms)
  }
  return {
    totalMs: total,
    busyMs: busy,
    gcMs: selfOf('(garbage collector)'),
    groups: groups.map((group, g) => ({ name: group.name, inclusiveMs: inclusive[g]!, shareOfBusy: inclusive[g]! / busy })),
    topSelf: [...top]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([frame, ms]) => ({ frame, ms, shareOfBusy: ms / busy })),
  }
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const file = process.argv[2]
  if (!file) throw new Error('usage: npx tsx bench/support/cpu-profile-share.ts <file.cpuprofile>')
  const shares = profileShares(JSON.parse(readFileSync(file, 'utf8')) as Profile)
  const pct = (share: number) => `${(share * 100).toFixed(2)} %`
  console.log(`sampled ${(shares.totalMs / 1000).toFixed(1)} s, busy ${(shares.busyMs / 1000).toFixed(1)} s (GC ${(shares.gcMs / 1000).toFixed(1)} s)`)
  for (const group of shares.groups) console.log(`${group.name}: ${group.inclusiveMs.toFixed(0)} ms inclusive, ${pct(group.shareOfBusy)} of busy`)
  console.log('\ntop self time:')
  for (const row of shares.topSelf) console.log(`${row.ms.toFixed(0).padStart(7)} ms ${pct(row.shareOfBusy).padStart(8)}  ${row.frame}`)
}
