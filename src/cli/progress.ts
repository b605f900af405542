import type { Progress } from '../model/ports.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** periodic lines (CI, no TTY): at most one line every this many ms */
  intervalMs?: number;
  now?: () => number;
}

/**
 * A bar redrawn in place on a TTY; on anything else (CI logs, a pipe) a line at start, every
 * `intervalMs` while running, and at the end. Always on stderr, so stdout stays the document.
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const interval = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let label = '';
  let total: number | undefined;
  let count = 0;
  let startedAt = 0;
  let lastLine = 0;

  const describe = (): string => {
    const elapsed = ((now() - startedAt) / 1000).toFixed(1);
    return total ? `${label}: ${count}/${total} (${Math.floor((count / Math.max(total, 1)) * 100)}%, ${elapsed}s)` : `${label}: ${count} (${elapsed}s)`;
  };
  const bar = (): string => {
    if (!total) return describe();
    const width = 30;
    const filled = Math.min(width, Math.round((count / Math.max(total, 1)) * width));
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total}`;
  };

  return {
    start(l, t) {
      label = l;
      total = t;
      count = 0;
      startedAt = now();
      lastLine = startedAt;
      if (tty) stream.write(`\r${bar()}`);
      else stream.write(`${label}...\n`);
    },
    tick(n = 1) {
      count += n;
      if (tty) stream.write(`\r${bar()}`);
      else if (now() - lastLine >= interval) {
        lastLine = now();
        stream.write(`${describe()}\n`);
      }
    },
    done(message) {
      if (tty) stream.write(`\r\x1b[2K`);
      stream.write(`${message ?? describe()}\n`);
    },
  };
}
