export * from './status'
export * from './outcome'
