// The advisory apply lock (issue 14): two applies against the same configuration at once would both write and
// both count every create as their own. A lock file beside the configuration (CONFIG.apply.lock, where the state
// file will live) records the holder's pid, host and start time; a second apply refuses, naming the holder. A
// lock whose holder is gone (same host, pid not running; or older than STALE_AFTER_MS) is taken over with a warning.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';
import { PRIVATE_FILE_MODE } from '../util/files.js';

export const STALE_AFTER_MS = 24 * 3600_000;

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command?: string;
}

export interface ApplyLock {
  readonly path: string;
  release(): void;
}

export function lockPathFor(configFile: string): string {
  return `${configFile}.apply.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.started_at === 'string') return h as LockHolder;
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

/** Why a holder is stale, or undefined when it may still be running. */
export function staleReason(holder: LockHolder | undefined, now: number, host = hostname()): string | undefined {
  if (!holder) return 'the lock file is unreadable';
  if (holder.host === host && !alive(holder.pid)) return `process ${holder.pid} is no longer running`;
  const age = now - Date.parse(holder.started_at);
  if (Number.isFinite(age) && age > STALE_AFTER_MS) return `it was taken ${Math.round(age / 3600_000)} hours ago`;
  return undefined;
}

export function acquireApplyLock(path: string, options: { logger?: Logger; command?: string; now?: () => number } = {}): ApplyLock {
  const now = options.now ?? Date.now;
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date(now()).toISOString(), ...(options.command ? { command: options.command } : {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new ZdsfError(`Cannot create the apply lock ${path}: ${code ?? String(err)}.`, 'lock');
      const holder = readHolder(path);
      const stale = staleReason(holder, now());
      if (!stale) {
        throw new ZdsfError(
          `Another apply is running for this configuration: ${path} is held by pid ${holder!.pid} on ${holder!.host} since ${holder!.started_at}. ` +
            'Nothing was written. Wait for it to finish and run apply again (it skips what is done); if that apply is gone, remove the lock file.',
          'locked',
        );
      }
      options.logger?.warn(`Taking over the apply lock ${path}: ${stale}${holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.started_at})` : ''}.`);
      try {
        unlinkSync(path);
      } catch {
        // another apply took it over first: try again
      }
      continue;
    }
    writeSync(fd, `${JSON.stringify(me)}\n`);
    closeSync(fd);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      try {
        if (readHolder(path)?.pid === me.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new ZdsfError(`Cannot take the apply lock ${path}: other applies keep taking it.`, 'locked');
}
