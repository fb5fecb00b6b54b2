/** One line of the benchmark report: a measured figure, what it is compared with, and the target. */
export type BenchRow = {
  name: string
  /** The measured figure, with its unit, e.g. "412 MB/s". */
  figure: string
  /** The reference measured in the same run, e.g. "0.83× of a bare JSON.parse loop (496 MB/s)". */
  comparison?: string
  /** The target as stated in the issue, e.g. "≥ 0.5×". */
  target?: string
  /** Whether the target was met; undefined when there is no target. */
  met?: boolean
}

/** A benchmark module: `bench/<name>.bench.ts` default-exports one of these. */
export type Bench = {
  name: string
  run: () => Promise<BenchRow[]>
}
