// Plain JavaScript, not next.config.ts: `next start` compiles a TypeScript config with SWC at every start, which
// maps its ~100 MB native binary into the server (about 26 MB of it resident for as long as the server runs).

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native modules (and undici, which embeds its own wasm parser) stay out of the server bundle and load from
  // node_modules at run time; so do pino, prom-client and piscina, which start worker threads from their own files
  // and keep process-wide state (one metrics registry shared by instrumentation and the routes). openai and zod too:
  // bundled, each route group's chunks carried a copy of them, and a server at rest had about five loaded. The same for
  // the Anthropic and Gemini SDKs: bundled, seven copies of their ~1.1 MB chunk were loaded at rest (instrumentation and
  // each route group), each source held in memory as a 2 MB string, about 17 MB of the server's V8 heap.
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
    '@anthropic-ai/sdk',
    '@google/genai',
  ],
}

export default nextConfig
