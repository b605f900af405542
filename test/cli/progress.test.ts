// The shared progress line: tasks running at the same time keep their own counts; percentages, ETAs,
// periodic lines when stderr is not a terminal.
import { describe, expect, it } from 'vitest';
import { createProgress, eta, formatDuration, percent } from '../../src/cli/progress.js';
import { beginTask } from '../../src/model/ports.js';
import { fakeClock } from '../zendesk/helpers.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, columns: 200, write: (c: string) => chunks.push(c) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join(''), lines: () => chunks.join('').split('\n') };
}

describe('progress', () => {
  it('two reads at once on one progress keep their own counts (was "accounts to delete: 165501/1 (16550100%)")', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 1000 });
    const users = beginTask(progress, 'Reading Zendesk users', undefined);
    const retention = beginTask(progress, 'accounts to delete', 1);
    for (let i = 0; i < 1655; i++) {
      clock.advance(100);
      users.tick(100);
    }
    clock.advance(1000);
    retention.tick(1);
    retention.done();
    users.done('Read 165500 Zendesk users');
    expect(out.text()).not.toMatch(/165501\/1/);
    expect(out.text()).toContain('accounts to delete: 1/1 (100%');
    expect(out.text()).toMatch(/Reading Zendesk users: \d+ \(\d+s\)\n/);
    expect(out.lines().at(-2)).toBe('Read 165500 Zendesk users');
  });

  it('start/tick/done is one task at a time: a new start replaces the last', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 0 });
    progress.start('first', 10);
    progress.tick(5);
    progress.start('second', 2);
    clock.advance(2000);
    progress.tick(1);
    progress.done();
    expect(out.text()).toContain('second: 1/2 (50%, 2s, ETA 2s)');
    expect(out.text()).not.toContain('second: 6/2');
  });

  it('CI (no TTY): a line at start, one per interval with percentage and ETA, one at the end', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 10_000 });
    progress.start('Creating users (global)', 1000);
    for (let i = 0; i < 100; i++) {
      clock.advance(1000);
      progress.tick(10);
    }
    progress.done('Creating users (global): 1000 of 1000 done');
    const lines = out.lines().filter(Boolean);
    expect(lines[0]).toBe('Creating users (global)...');
    expect(lines[1]).toBe('Creating users (global): 100/1000 (10%, 10s, ETA 1m30s)');
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines.at(-1)).toBe('Creating users (global): 1000 of 1000 done');
  });

  it('TTY: a bar with percentage and ETA, redrawn in place, two tasks on one line', () => {
    const clock = fakeClock(0);
    const out = fakeStream(true);
    const progress = createProgress({ stream: out.stream, now: clock.now, redrawMs: 0 });
    const a = progress.task!('accounts', 200);
    const b = progress.task!('Reading Zendesk users');
    clock.advance(5000);
    a.tick(50);
    b.tick(300);
    const last = out.text().split('\r\x1b[2K').at(-1)!;
    expect(last).toBe('accounts [###---------] 25% 50/200 ETA 15s | Reading Zendesk users: 300 (5s)');
    a.done('200 accounts');
    expect(out.text()).toContain('\r\x1b[2K200 accounts\n');
  });

  it('percent is capped at 100, ETA only with something to go by', () => {
    expect(percent(165501, 1)).toBe(100);
    expect(percent(1, 3)).toBe(33);
    expect(eta(0, 10, 5000)).toBeNull();
    expect(eta(5, 10, 500)).toBeNull();
    expect(eta(5, 10, 5000)).toBe(5000);
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatDuration(185_000)).toBe('3m05s');
  });
});
