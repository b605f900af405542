import type { Progress, ProgressTask } from '../model/ports.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** periodic lines (CI, no TTY): at most one line per task every this many ms */
  intervalMs?: number;
  /** TTY: redraw at most every this many ms (the last state is always drawn at done) */
  redrawMs?: number;
  now?: () => number;
}

interface Task extends ProgressTask {
  label: string;
  total: number | undefined;
  count: number;
  startedAt: number;
  lastLine: number;
}

/** `12s`, `3m05s`, `1h02m` */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `42%` of a total, never above 100 (a count past its total means the total was an estimate) */
export function percent(count: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((count / total) * 100));
}

/** time left at the rate so far, or null while there is too little to go by */
export function eta(count: number, total: number, elapsedMs: number): number | null {
  if (count <= 0 || elapsedMs < 1000 || count >= total) return null;
  return ((total - count) * elapsedMs) / count;
}

/**
 * A bar redrawn in place on a TTY; on anything else (CI logs, a pipe) a line at start, every `intervalMs`
 * while running, and at the end. Always on stderr, so stdout stays the document. Tasks that run at the same
 * time (plan reads Salesforce and Zendesk at once) each keep their own count: on a TTY they share the line.
 * start/tick/done are one task at a time; `task()` makes one of its own.
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const interval = options.intervalMs ?? 10_000;
  const redrawMs = options.redrawMs ?? 100;
  const now = options.now ?? Date.now;
  const active: Task[] = [];
  let current: Task | undefined;
  let drawn = false;
  let lastDraw = Number.NEGATIVE_INFINITY;

  const describe = (t: Task): string => {
    const elapsed = now() - t.startedAt;
    if (!t.total) return `${t.label}: ${t.count} (${formatDuration(elapsed)})`;
    const left = eta(t.count, t.total, elapsed);
    return `${t.label}: ${t.count}/${t.total} (${percent(t.count, t.total)}%, ${formatDuration(elapsed)}${left !== null ? `, ETA ${formatDuration(left)}` : ''})`;
  };
  const bar = (t: Task): string => {
    if (!t.total) return describe(t);
    const width = active.length > 1 ? 12 : 30;
    const p = percent(t.count, t.total);
    const filled = Math.round((p / 100) * width);
    const left = eta(t.count, t.total, now() - t.startedAt);
    return `${t.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p}% ${t.count}/${t.total}${left !== null ? ` ETA ${formatDuration(left)}` : ''}`;
  };
  const draw = (force = false): void => {
    if (!tty) return;
    const at = now();
    if (!force && at - lastDraw < redrawMs) return;
    lastDraw = at;
    const columns = stream.columns && stream.columns > 10 ? stream.columns - 1 : 200;
    const line = active.map(bar).join(' | ');
    stream.write(`\r\x1b[2K${line.length > columns ? `${line.slice(0, columns - 1)}…` : line}`);
    drawn = active.length > 0;
  };
  const clear = (): void => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };

  const task = (label: string, total?: number): Task => {
    const at = now();
    const t: Task = {
      label,
      total,
      count: 0,
      startedAt: at,
      lastLine: at,
      tick(n = 1) {
        t.count += n;
        if (tty) draw();
        else if (now() - t.lastLine >= interval) {
          t.lastLine = now();
          stream.write(`${describe(t)}\n`);
        }
      },
      done(message) {
        const i = active.indexOf(t);
        if (i < 0) return;
        active.splice(i, 1);
        clear();
        stream.write(`${message ?? describe(t)}\n`);
        draw(true);
      },
    };
    active.push(t);
    if (tty) draw(true);
    else stream.write(`${label}...\n`);
    return t;
  };

  return {
    start(label, total) {
      if (current && active.includes(current)) active.splice(active.indexOf(current), 1);
      current = task(label, total);
    },
    tick(n = 1) {
      current?.tick(n);
    },
    done(message) {
      if (current) current.done(message);
      else stream.write(`${message ?? ''}\n`);
      current = undefined;
    },
    task,
  };
}
