export * from './prices'
export * from './cost'
export * from './describe'
