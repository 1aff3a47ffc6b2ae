import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files under `dir` (recursively) whose names pass `accept`, as root-relative POSIX paths, sorted. */
export function listFiles(root: string, dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && accept(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

export function readText(root: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `start` that holds schemas/contracts.yaml. */
export function findProjectRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'schemas', 'contracts.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
