// glibc's malloc settings (https://www.gnu.org/software/libc/manual/html_node/Memory-Allocation-Tunables.html) and
// Node's options for the server `npm start` runs. See docs/decisions/053-memory-at-rest.md and
// docs/decisions/067-malloc-maps-large-blocks.md.

/**
 * Blocks of this size and larger get their own mapping, given back to the system when freed. The server's load churns
 * through 64 KiB blocks: each socket read (libuv asks for 64 KiB) and the copy of each request body chunk the HTTP
 * parser makes. Carved from an arena instead (glibc's default threshold starts at 128 KiB and rises up to 32 MiB as
 * large blocks are freed), they left tens of MB free but pinned between long-lived small blocks after the soak, which
 * glibc only returns from the top of an arena. Setting the threshold also stops that rise.
 */
export const MMAP_THRESHOLD_BYTES = 64 * 1024

/**
 * - MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own malloc arena, up to 8 per core, and keeps what a
 *   busy arena freed; the server's threads (libuv's pool, V8's helpers, the worker pool) held tens of MB that way.
 * - MALLOC_MMAP_THRESHOLD_: see MMAP_THRESHOLD_BYTES.
 * - `--expose-gc` lets the server collect once when it goes idle after a load (lib/server/idle-gc.ts).
 * An operator's own value of each wins.
 */
export function memoryEnv(environment: Readonly<Record<string, string | undefined>>): {
  MALLOC_ARENA_MAX: string
  MALLOC_MMAP_THRESHOLD_: string
  NODE_OPTIONS: string
} {
  return {
    MALLOC_ARENA_MAX: environment.MALLOC_ARENA_MAX || '2',
    MALLOC_MMAP_THRESHOLD_: environment.MALLOC_MMAP_THRESHOLD_ || String(MMAP_THRESHOLD_BYTES),
    NODE_OPTIONS: `--expose-gc ${environment.NODE_OPTIONS ?? ''}`.trim(),
  }
}
