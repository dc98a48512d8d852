export { createBackgroundLayer, releaseMedia } from './background-layer'
export type { BackgroundLayer } from './background-layer'
