import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native modules (and undici, which embeds its own wasm parser) stay out of the server bundle and load from
  // node_modules at run time.
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'pg', '@prisma/adapter-pg', 'undici'],
}

export default nextConfig
