// Public face of the synthetic scene generator (pure TypeScript: runs in workers, Node scripts and tests).
export * from './params';
export * from './prng';
export * from './physics';
export * from './scene';
export { FrameCanvas, heatColour, BACKGROUND_LEVEL, type DevelopOptions } from './render';
export * from './research-stats';
export * from './crops';
export * from './demo-manifest';
