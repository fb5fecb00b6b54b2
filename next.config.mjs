// Plain JavaScript, not next.config.ts: `next start` compiles a TypeScript config with SWC at every start, which
// maps its ~100 MB native binary into the server (about 26 MB of it resident for as long as the server runs).

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native modules (and undici, which embeds its own wasm parser) stay out of the server bundle and load from
  // node_modules at run time; so do pino, prom-client and piscina, which start worker threads from their own files
  // and keep process-wide state (one metrics registry shared by instrumentation and the routes). openai and zod too:
  // bundled, each route group's chunks carried a copy of them, and a server at rest had about five loaded.
  serverExternalPackages: [
    'better-sqlite3',
    '@prisma/adapter-better-sqlite3',
    'pg',
    '@prisma/adapter-pg',
    'undici',
    'pino',
    'prom-client',
    'piscina',
    'openai',
    'zod',
  ],
}

export default nextConfig
