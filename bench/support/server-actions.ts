// Calls the app's server actions over HTTP the way the browser's router does
// (next/dist/client/components/router-reducer/reducers/server-action-reducer.js, fetchServerAction):
// arguments encoded by React's own `encodeReply` (a FormData argument becomes a multipart body whose fields
// are renamed `_1_<name>` and referenced from field `0` as "$K1"), POSTed to the page with the `Next-Action`
// header, and the text/x-component answer decoded by React's own `createFromFetch`.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

type FlightClient = {
  encodeReply(value: unknown[]): Promise<string | FormData>
  createFromFetch<T>(
    response: Promise<Response>,
    options: { serverConsumerManifest: { moduleMap: Record<string, never>; serverModuleMap: null; moduleLoading: null } },
  ): Promise<T>
}

// Next 16 builds with Turbopack, whose browser bundle uses this package; the production file, as shipped.
const flight = createRequire(import.meta.url)(
  'next/dist/compiled/react-server-dom-turbopack/cjs/react-server-dom-turbopack-client.edge.production.js',
) as FlightClient

type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string }
type ServerReferenceManifest = { node: Record<string, ManifestEntry> }

export type ServerActions<Name extends string> = { page: string; ids: Record<Name, string> }

/**
 * Finds the ids Next gave the named exports of `file` in the last build, and a page whose bundle holds
 * them. Next registers an action only when a page's client code imports it, so a build in which no page
 * uses them has none: the answer is then why, for the report.
 */
export function findServerActions<Name extends string>(projectRoot: string, file: string, names: readonly Name[]): ServerActions<Name> | { missing: string } {
  const manifestPath = path.join(projectRoot, '.next', 'server', 'server-reference-manifest.json')
  if (!existsSync(manifestPath)) return { missing: `there is no ${path.relative(projectRoot, manifestPath)}; the build did not finish` }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ServerReferenceManifest
  const ids: Partial<Record<Name, string>> = {}
  const pages = new Map<string, number>()
  for (const [id, entry] of Object.entries(manifest.node)) {
    const name = names.find((candidate) => candidate === entry.exportedName)
    if (name === undefined || !entry.filename?.endsWith(file)) continue
    ids[name] = id
    for (const worker of Object.keys(entry.workers)) pages.set(worker, (pages.get(worker) ?? 0) + 1)
  }
  const absent = names.filter((name) => ids[name] === undefined)
  if (absent.length > 0) {
    return {
      missing: `the build has no server action for ${absent.join(', ')} of ${file}: Next registers an action only when a page's client code imports it, and no page does yet`,
    }
  }
  // A static page whose bundle holds every one of them, e.g. app/files/page -> /files.
  const worker = [...pages].find(([name, count]) => count === names.length && /^app(\/[^[\]()@]*)?\/page$/.test(name))?.[0]
  if (worker === undefined) return { missing: `no static page bundles all of ${names.join(', ')}` }
  return { page: worker.replace(/^app/, '').replace(/\/page$/, '') || '/', ids: ids as Record<Name, string> }
}

/** The router state the browser sends for a page with no parallel routes (prepareFlightRouterStateForRequest). */
function routerStateTree(page: string): string {
  let tree: unknown = ['__PAGE__', {}]
  for (const segment of page.split('/').filter(Boolean).reverse()) tree = [segment, { children: tree }]
  return encodeURIComponent(JSON.stringify(['', { children: tree }, null, null, true]))
}

export class ActionCallError extends Error {}

/** Calls one server action with the given arguments and returns what it returned. */
export async function callServerAction<T>(
  baseUrl: string,
  page: string,
  actionId: string,
  args: unknown[],
  /** `cookie` is sent as the browser would; `onResponse` sees the answer's headers (e.g. a new session cookie). */
  options: { cookie?: string; onResponse?: (response: Response) => void } = {},
): Promise<T> {
  const response = await fetch(new URL(page, baseUrl), {
    method: 'POST',
    headers: {
      Accept: 'text/x-component',
      'Next-Action': actionId,
      'Next-Router-State-Tree': routerStateTree(page),
      // A browser always sends it; without it Next logs a CSRF warning for every call.
      Origin: new URL(baseUrl).origin,
      ...(options.cookie ? { Cookie: options.cookie } : {}),
    },
    body: await flight.encodeReply(args),
  })
  options.onResponse?.(response)
  const type = response.headers.get('content-type') ?? ''
  if (response.headers.get('x-nextjs-action-not-found') === '1' || !type.startsWith('text/x-component')) {
    throw new ActionCallError(`action ${actionId} on ${page}: HTTP ${response.status} ${type}: ${(await response.text()).slice(0, 300)}`)
  }
  const root = await flight.createFromFetch<{ a: T | Promise<T> }>(Promise.resolve(response), {
    serverConsumerManifest: { moduleMap: {}, serverModuleMap: null, moduleLoading: null },
  })
  return await root.a
}
