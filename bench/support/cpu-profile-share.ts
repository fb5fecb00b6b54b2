// `npx tsx bench/support/cpu-profile-share.ts <file.cpuprofile>`: where a process's CPU went, as shares of its busy time
// (sampled time minus idle), for the groups of frames below (the remote sync's, issue 18). A group's "inclusive" time
// counts every sample with one of its frames on the stack: after an `await` the stack starts again at the resumed
// function, so that is the most a group's own code can be charged with. The top self-time frames follow.
import { readFileSync } from 'node:fs'
import path from 'node:path'

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
type Group = { name: string; frame: (node: ProfileNode) => boolean }

const named =
  (pattern: RegExp, url: RegExp = /./) =>
  (node: ProfileNode) =>
    pattern.test(node.callFrame.functionName) && url.test(node.callFrame.url)

/** The sync's frames, by function name (the server bundle keeps them) and, for libraries, by where they load from. */
export const SYNC_GROUPS: Group[] = [
  {
    name: 'sync loop and refresh (sync.ts)',
    frame: named(
      /^(syncOnce|syncBatchNow|tick|anyDue|claimDue|claimDueByCompareAndSet|copyFiles|scheduleAfter|scheduleNew|rowFromRemote|mapRemoteBatch|needsSync|sweepRemoteFiles)$/,
    ),
  },
  { name: 'file copy (copyRemoteFile, download)', frame: named(/^(copyRemoteFile|download|TruncatedDownload)$/) },
  { name: 'onBatchTerminal (usage, results index)', frame: named(/^(onBatchTerminal|fillUsageFromOutput|indexBatchResults)$/) },
  { name: 'openai SDK', frame: named(/./, /node_modules\/openai\//) },
  { name: 'remote batch create (createRemoteBatch)', frame: named(/^(createRemoteBatch|withProviderRetries)$/) },
]

export function profileShares(profile: Profile, groups: Group[] = SYNC_GROUPS) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<number, number>()
  const inclusive = groups.map(() => 0)
  let total = 0
  for (const [index, id] of profile.samples.entries()) {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000
    total += ms
    self.set(id, (self.get(id) ?? 0) + ms)
    const seen = groups.map(() => false)
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!
      groups.forEach((group, g) => {
        if (!seen[g] && group.frame(node)) seen[g] = true
      })
    }
    seen.forEach((hit, g) => {
      if (hit) inclusive[g]! += ms
    })
  }
  const selfOf = (name: string) => [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === name).reduce((sum, [, ms]) => sum + ms, 0)
  const idle = selfOf('(idle)')
  const busy = total - idle
  const top = [...self]
    .map(([id, ms]) => ({ frame: byId.get(id)!.callFrame, ms }))
    .filter(({ frame }) => frame.functionName !== '(idle)')
    .reduce((sums, { frame, ms }) => {
      const key = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1}`
      sums.set(key, (sums.get(key) ?? 0) + ms)
      return sums
    }, new Map<string, number>())
  return {
    totalMs: total,
    busyMs: busy,
    gcMs: selfOf('(garbage collector)'),
    groups: groups.map((group, g) => ({ name: group.name, inclusiveMs: inclusive[g]!, shareOfBusy: inclusive[g]! / busy })),
    topSelf: [...top]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
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
