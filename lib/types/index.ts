// What the dashboard's GET routes and server actions return, one file per domain: dates as ISO strings, byte and
// token counts as numbers. The server's serializers are checked against these types with `satisfies`.
export type * from './api-keys'
export type * from './batches'
export type * from './connections'
export type * from './engine'
export type * from './files'
export type * from './page'
export type * from './prices'
export type * from './results'
export type * from './system'
export type * from './usage'
