// Public face of the synthetic scene generator (pure TypeScript: runs in workers, Node scripts and tests).
export * from './params';
export * from './prng';
export * from './physics';
export * from './scene';
export { FrameCanvas, drawStreak, drawGlow, BACKGROUND_LEVEL } from './render';
export * from './crops';
export * from './demo-manifest';
