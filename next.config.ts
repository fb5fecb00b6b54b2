import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native modules (and undici, which embeds its own wasm parser) stay out of the server bundle and load from
  // node_modules at run time; so do pino, prom-client and piscina, which start worker threads from their own files
  // and keep process-wide state (one metrics registry shared by instrumentation and the routes).
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'pg', '@prisma/adapter-pg', 'undici', 'pino', 'prom-client', 'piscina'],
}

export default nextConfig
