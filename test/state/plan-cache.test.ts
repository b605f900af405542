// The last plan of an unchanged world (src/state/plan-cache.ts): reused only while nothing that feeds the plan
// changed: not after a config change, a snapshot cut short, --refresh style full reads, nor for syncs with cases.
import { readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/model/config.js';
import { createPlan } from '../../src/services/plan.js';
import { reusable } from '../../src/state/plan-cache.js';
import { activityClock, openWorld, type World } from './world.js';

const simple = (config: Config): Config => ({
  ...config,
  syncs: config.syncs.map(({ cases: _c, ...s }) => ({ ...s, organizations: { ...s.organizations!, retention: { ...s.organizations!.retention!, keep_if_open_tickets: false } } })),
});

async function plan(world: World, config: Config) {
  const before = world.lines.length;
  const p = await createPlan({ config, source: world.readers.source, target: world.readers.target, planCache: world.planCache, now: () => new Date('2026-12-01T00:00:00Z') });
  return { syncs: p.syncs, said: world.lines.slice(before).join(' | ') };
}

describe('the last plan', () => {
  it('is reused when nothing changed, and only then', async () => {
    const clock = activityClock();
    const world = await openWorld({ now: clock.now });
    try {
      const config = simple(world.config);
      const first = await plan(world, config);
      expect(first.said).toContain('full read');
      const second = await plan(world, config); // the first incremental read takes the seen rows of the second boundary
      const third = await plan(world, config);
      expect(`${second.said} | ${third.said}`).toContain('is reused');
      expect(third.syncs).toEqual(first.syncs);
      // another config: computed again
      const other = await plan(world, { ...config, digest: `${config.digest}x` });
      expect(other.said).not.toContain('is reused');
      expect(other.syncs).toEqual(first.syncs);
      // a snapshot cut short: never the last plan, a full read
      const file = (await readdir(world.dir)).find((f) => f.startsWith('zendesk-'))!;
      await truncate(join(world.dir, file), (await stat(join(world.dir, file))).size - 10);
      const cut = await plan(world, { ...config, digest: `${config.digest}x` });
      expect(cut.said).toContain('Zendesk demo: full read');
      expect(cut.said).not.toContain('is reused');
      expect(cut.syncs).toEqual(first.syncs);
      // a change: computed again
      await world.zd('PUT', `organizations/${world.sandbox.state().zendesk!.organizations![0].id}`, { organization: { notes: 'by hand' } });
      const changed = await plan(world, config);
      expect(changed.said).not.toContain('is reused');
    } finally {
      await world.close();
    }
  }, 120_000);

  it('is never kept for syncs with cases or offboarding (read live, or on the clock)', async () => {
    const world = await openWorld();
    try {
      const sync = world.config.syncs[0];
      expect(reusable(sync)).toBe(false); // the demo has cases
      const { cases: _c, ...withoutCases } = sync;
      expect(reusable(withoutCases)).toBe(true);
      expect(reusable({ ...withoutCases, users: { ...withoutCases.users!, offboard: { when: ['deleted'], action: 'remove_tags' } as never } })).toBe(false);
    } finally {
      await world.close();
    }
  });
});
