// Incremental plans read through the run's live adapters (issue 13): the Zendesk exports and membership reads go
// out on the same transport, and so draw on the same request budget, as the full reader's pages and the writer's
// bulk requests; the Salesforce deltas use the live reader; the parts of an incremental read are --timings phases.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { liveAdapters } from '../../src/services/adapters.js';
import { planReaders } from '../../src/services/incremental.js';
import { setAmbientTimings, Timings } from '../../src/util/timings.js';

const root = join(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
const SEED = join(root, 'fixtures', 'demo', 'seed.json');

let sandbox: Sandbox;
let config: Config;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: SEED, port: 0, rateLimitPerMinute: 1_000_000, incrementalRateLimitPerMinute: 1_000_000 });
  config = await loadConfigOrThrow({ file: CONFIG, env: { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' } });
  dir = await mkdtemp(join(tmpdir(), 'zdsf-wiring-'));
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Zendesk API requests the sandbox answered so far */
function zendeskRequests(): number {
  return Object.entries(sandbox.stats().requests)
    .filter(([route]) => route.includes('/api/v2/'))
    .reduce((n, [, c]) => n + c, 0);
}

describe('incremental readers over the live adapters', () => {
  it('send every Zendesk request of a full and an incremental read on the one transport of the instance', async () => {
    // only the adapters' transports have this fetch: what it does not see went out on another transport
    let counted = 0;
    const adapters = liveAdapters({
      fetch: (input, init) => {
        counted += 1;
        return globalThis.fetch(input, init);
      },
    });
    const query = vi.spyOn(adapters.salesforce, 'query');
    const lines: string[] = [];
    const readers = planReaders(adapters, { config, state: dir, say: (l) => lines.push(l) });
    const sync = config.syncs[0];
    const instance = config.zendesk[sync.to];
    const before = zendeskRequests();

    const timings = new Timings();
    const previous = setAmbientTimings(timings);
    try {
      await readers.source.read({ instance: config.salesforce[sync.from], sync });
      await readers.target.read({ instance });
      expect(lines.join('\n')).toMatch(/Zendesk demo: full read/);
      await readers.source.read({ instance: config.salesforce[sync.from], sync });
      await readers.target.read({ instance });
      expect(lines.join('\n')).toMatch(/Zendesk demo: incremental read/);
      expect(lines.join('\n')).toMatch(/Salesforce demo: incremental read/);
    } finally {
      setAmbientTimings(previous);
    }

    const sent = zendeskRequests() - before;
    // full read (settings, fields, orgs, users, memberships, the export cursors) + incremental (exports, fields, settings)
    expect(sent).toBeGreaterThan(8);
    expect(counted).toBe(sent);
    // one transport for the instance: the reader's, the exports' and the writer's are the same object, one budget
    const transport = adapters.transportFor(instance);
    expect(transport.requestCount).toBe(sent);
    expect(adapters.transportFor({ ...instance })).toBe(transport);
    // the Salesforce deltas (marks, changed Ids) were queried through the live reader
    expect(query).toHaveBeenCalled();

    const names = timings.phases.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'snapshot: read Salesforce (demo)',
        'snapshot: read Zendesk (demo)',
        'snapshot: write Salesforce (demo)',
        'Salesforce changes since the snapshot (demo)',
        'Zendesk changes since the snapshot (demo)',
      ]),
    );
  });

  it('without a state directory, are the live readers themselves', () => {
    const adapters = liveAdapters();
    const readers = planReaders(adapters, { config: { ...config, state: undefined }, say: () => undefined });
    expect(readers.source).toBe(adapters.source);
    expect(readers.target).toBe(adapters.target);
  });
});
