/**
 * One process per data directory: PGlite runs PostgreSQL in single-user mode, and two processes writing one data
 * directory would corrupt it. The lock is a file holding the owner's pid and host; a lock whose process is gone
 * (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreError } from './types';

export const LOCK_FILE = 'registry.lock';

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { pid, host, startedAt } = parsed as Record<string, unknown>;
      if (typeof pid === 'number' && typeof host === 'string') return { pid, host, startedAt: typeof startedAt === 'string' ? startedAt : '' };
    }
    return undefined;
  } catch {
    return undefined; // absent, or torn by a crash between create and write: no live owner wrote it
  }
}

/** Whether a process with this pid exists on this machine (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(`Cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, JSON.stringify(content));
  } finally {
    closeSync(fd);
  }
  return true;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock or throws a StoreError naming the process that holds it. */
export function acquireDataDirLock(dir: string, path: string): DataDirLock {
  const mine: LockContent = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, mine)) {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        const current = readLock(path);
        if (current?.pid === mine.pid && current.host === mine.host && current.startedAt === mine.startedAt) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      };
      process.on('exit', release);
      return { path, release };
    }
    const holder = readLock(path);
    if (holder !== undefined && holder.host !== mine.host) {
      throw new StoreError(
        `The registry data directory ${dir} is locked by process ${holder.pid} on host ${holder.host} (${path}); ` +
          'its liveness cannot be checked from here. If that process is gone, delete the lock file.',
      );
    }
    if (holder !== undefined && alive(holder.pid)) {
      const who = holder.pid === process.pid ? 'this process (already open)' : `process ${holder.pid}`;
      throw new StoreError(`The registry data directory ${dir} is in use by ${who} since ${holder.startedAt} (lock file ${path}).`);
    }
    // Stale: its owner is dead, or it was torn. Move it aside atomically so two processes cannot both take over.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreError(`Cannot remove the stale lock ${path}: ${(error as Error).message}`);
      continue; // someone else moved it first; try again
    }
    const moved = readLock(aside);
    try {
      unlinkSync(aside);
    } catch {
      // ignore
    }
    const sameAsSeen = moved !== undefined && holder !== undefined && moved.pid === holder.pid && moved.startedAt === holder.startedAt;
    if (moved !== undefined && !sameAsSeen && alive(moved.pid)) {
      // We moved a fresh lock another process took in between: put it back and report the conflict.
      tryCreate(path, moved);
      throw new StoreError(`The registry data directory ${dir} is in use by process ${moved.pid} (lock file ${path}).`);
    }
  }
  throw new StoreError(`Could not take the lock ${path} on the registry data directory ${dir}.`);
}
