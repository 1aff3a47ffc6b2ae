import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot } from '@dynamic-capital/contracts-model';
import { UsageError } from './io';

/** The project root: --root if given (must hold schemas/contracts.yaml), else the nearest ancestor of cwd that does. */
export function resolveRoot(cwd: string, rootOption: string | undefined): string {
  if (rootOption !== undefined) {
    const root = path.resolve(cwd, rootOption);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`--root ${rootOption}: no such directory`);
    return root;
  }
  const found = findProjectRoot(cwd);
  if (!found) throw new UsageError(`no schemas/contracts.yaml in ${cwd} or any parent directory; run inside a contracts repository or pass --root <dir>`);
  return found;
}
