export { createBackgroundLayer } from './background-layer'
export type { BackgroundLayer } from './background-layer'
