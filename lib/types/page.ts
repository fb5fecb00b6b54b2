export type Page<T> = { data: T[]; nextCursor: string | null; total: number }
