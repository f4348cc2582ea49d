// One place for how the studio's headless Chromium is launched (Playwright config, bench, scripts):
// Debian's chromium by executablePath (never a downloaded browser), flags that work headless here,
// WebGPU and WebGL on SwiftShader when there is no GPU.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const useSystemChromium = process.env.PLAYWRIGHT_OWN_CHROMIUM !== '1' && existsSync(chromiumPath);

export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
];

/** Launch options for playwright's chromium.launch(). */
export function launchOptions() {
  return { ...(useSystemChromium ? { executablePath: chromiumPath } : {}), args: chromiumArgs };
}
