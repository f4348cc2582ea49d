// Types of grey-png.mjs for the TypeScript e2e tests.
export function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Buffer;
export function decodeGreyPng(bytes: Uint8Array): { width: number; height: number; pixels: Uint8Array };
