export * from './status'
export * from './outcome'
export * from './progress'
