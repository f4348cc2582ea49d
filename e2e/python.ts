// Debian's python3 with h5py/OpenCV, for cross-checks against the research tools. Tests that need it skip with
// a message where it is missing (.ci/run installs it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

/** True when /usr/bin/python3 can import every module in `modules` (e.g. 'h5py, cv2'). */
export function pythonHas(modules: string): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export interface ResearchH5Report {
  [dataset: string]: { dtype: string; strpad: string; count: number; decoded: number };
}

/** Read an exported file the research way (h5py, then cv2.imdecode of every element): scripts/h5py/verify_export.py. */
export function verifyResearchH5(file: string): ResearchH5Report {
  const script = fileURLToPath(new URL('../scripts/h5py/verify_export.py', import.meta.url));
  return JSON.parse(execFileSync(PYTHON, [script, file], { encoding: 'utf8' })) as ResearchH5Report;
}
