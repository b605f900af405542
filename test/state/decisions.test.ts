// When an incremental plan reads everything again (issue 13, "Refresh" and "Bad input"): each case gives a full
// read, says why in one line, and returns what a full read returns (never a wrong plan, never a crash).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incrementalReaders } from '../../src/state/incremental.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { ZendeskTransport } from '../../src/zendesk/transport.js';
import { activityClock, comparable, openWorld, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setUp(): Promise<{ w: World; clock: ReturnType<typeof activityClock> }> {
  const clock = activityClock();
  world = await openWorld({ now: clock.now, refreshEveryMs: 24 * 3600_000 });
  await world.incremental();
  world.lines.length = 0;
  return { w: world, clock };
}

/** the last two lines (Salesforce, Zendesk) of an incremental-reader read, and its result equal to a full read */
async function readAgain(w: World, readers = w.readers): Promise<string[]> {
  const before = w.lines.length;
  const sync = w.config.syncs[0];
  const source = await readers.source.read({ instance: w.config.salesforce[sync.from], sync });
  const target = await readers.target.read({ instance: w.config.zendesk[sync.to] });
  const full = await w.full();
  expect(comparable(source)).toEqual(comparable(full.source));
  expect(target).toEqual(full.target);
  return w.lines.slice(before);
}

async function rewrite(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
  await writeFile(file, gzipSync(edit(lines).join('\n') + '\n'));
}

describe('incremental plans fall back to a full read', () => {
  it('reads incrementally when the snapshot is usable', async () => {
    const { w } = await setUp();
    const lines = await readAgain(w);
    expect(lines[0]).toMatch(/^sync demo: Salesforce demo: incremental read since /);
    expect(lines[1]).toMatch(/^Zendesk demo: incremental read since /);
    expect((await readdir(w.dir)).sort()).toEqual(['salesforce-demo.jsonl.gz', 'zendesk-demo.jsonl.gz']);
  }, 120_000);

  it('on a truncated or corrupt snapshot', async () => {
    const { w } = await setUp();
    await rewrite(join(w.dir, 'salesforce-demo.jsonl.gz'), (l) => l.slice(0, -5));
    await writeFile(join(w.dir, 'zendesk-demo.jsonl.gz'), 'garbage');
    const lines = await readAgain(w);
    expect(lines[0]).toMatch(/full read \(the snapshot .* is truncated/);
    expect(lines[1]).toMatch(/full read \(the snapshot .* is corrupt or truncated/);
  }, 120_000);

  it('on another format version', async () => {
    const { w } = await setUp();
    await rewrite(join(w.dir, 'salesforce-demo.jsonl.gz'), (l) => [l[0].replace('"zdsf_snapshot":1', '"zdsf_snapshot":0'), ...l.slice(1)]);
    expect((await readAgain(w))[0]).toMatch(/full read \(the snapshot has format 0, this zdsf writes 1\)/);
  }, 120_000);

  it('on a snapshot of another configuration or another instance', async () => {
    const { w } = await setUp();
    await rewrite(join(w.dir, 'salesforce-demo.jsonl.gz'), (l) => [l[0].replace(/"digest":"[0-9a-f]+"/, '"digest":"0"'), ...l.slice(1)]);
    await rewrite(join(w.dir, 'zendesk-demo.jsonl.gz'), (l) => [l[0].replace(/"instance_url":"[^"]+"/, '"instance_url":"https://other.zendesk.com"'), ...l.slice(1)]);
    const lines = await readAgain(w);
    expect(lines[0]).toMatch(/full read \(the snapshot was taken for another configuration/);
    expect(lines[1]).toMatch(/full read \(the snapshot is of another Zendesk instance/);
    await rewrite(join(w.dir, 'salesforce-demo.jsonl.gz'), (l) => [l[0].replace(/"instance_url":"[^"]+"/, '"instance_url":"https://other.my.salesforce.com"'), ...l.slice(1)]);
    expect((await readAgain(w))[0]).toMatch(/full read \(the snapshot is of another Salesforce org/);
  }, 120_000);

  it('with --refresh, after refresh_every, when the clock went back, when a mark is in the future', async () => {
    const { w, clock } = await setUp();
    const refreshing = incrementalReaders({
      dir: w.dir,
      refresh: true,
      source: createSalesforceReader(),
      target: createZendeskReader(),
      zendesk: { transportFor: (o) => new ZendeskTransport(o.instance, {}), exportRequestsPerMinute: 1_000_000, now: clock.now },
      say: (l) => w.lines.push(l),
      now: clock.now,
    });
    expect(await readAgain(w, refreshing)).toEqual(['sync demo: Salesforce demo: full read (--refresh)', 'Zendesk demo: full read (--refresh)']);

    clock.advance(25 * 3600_000);
    const stale = await readAgain(w);
    expect(stale[0]).toMatch(/full read \(the last full read was 25(\.\d)?h ago \(refresh_every 24h\)\)/);
    expect(stale[1]).toMatch(/full read \(the last full read was 25(\.\d)?h ago/);

    clock.advance(-3600_000);
    expect((await readAgain(w))[0]).toMatch(/full read \(the clock is earlier than the last read/);

    clock.advance(3 * 3600_000);
    await rewrite(join(w.dir, 'salesforce-demo.jsonl.gz'), (l) => [l[0].replace(/"Account":"[^"]+"/, '"Account":"2099-01-01T00:00:00.000+0000"'), ...l.slice(1)]);
    expect((await readAgain(w))[0]).toMatch(/full read \(the high-water mark of Account \(2099-01-01T00:00:00.000\+0000\) is in the future\)/);
  }, 180_000);

  it('never writes a secret into the snapshot', async () => {
    const { w } = await setUp();
    for (const f of await readdir(w.dir)) {
      const text = gunzipSync(await readFile(join(w.dir, f))).toString('utf8');
      expect(text).not.toContain('Bearer');
      expect(text).not.toMatch(/"(token|password|client_secret|access_token)"/);
    }
  }, 120_000);
});

describe('an incremental read that finds nothing changed', () => {
  it('keeps the snapshot as it is, and the next read still sees what changes after it', async () => {
    const { w } = await setUp();
    const sfFile = join(w.dir, 'salesforce-demo.jsonl.gz');
    const zdFile = join(w.dir, 'zendesk-demo.jsonl.gz');
    // the first incremental read after a full one re-reads the export's look-back window: it rewrites
    await readAgain(w);
    const sfBytes = await readFile(sfFile);
    const zdBytes = await readFile(zdFile);
    const kept = await readAgain(w);
    expect(kept[0]).toMatch(/^sync demo: Salesforce demo: incremental read since .*; snapshot unchanged, kept$/);
    expect(kept[1]).toMatch(/^Zendesk demo: incremental read since .*; snapshot unchanged, kept$/);
    expect((await readFile(sfFile)).equals(sfBytes)).toBe(true);
    expect((await readFile(zdFile)).equals(zdBytes)).toBe(true);

    // a change after the kept snapshot: read incrementally, equal to a full read (readAgain), and written
    const contact = (await w.full()).source.people.find((p) => p.Id.startsWith('003'))!;
    await w.sf([{ action: 'update', id: contact.Id, fields: { Title: 'Changed after a kept snapshot' } }]);
    const changed = await readAgain(w);
    expect(changed[0]).toMatch(/incremental read since .*1 Contact/);
    expect(changed[0]).not.toMatch(/kept$/);
    expect((await readFile(sfFile)).equals(sfBytes)).toBe(false);
  }, 180_000);
});
