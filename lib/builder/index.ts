export * from './build'
export * from './table'
export * from './template'
