// Done-when of issue 13: on a generated world (the demo seed: accounts with subscriptions, contacts on several
// accounts, leads, retention), 200 random sequences of edits between runs, each followed by an incremental plan
// over the sandbox's HTTP API; every one gives exactly the plan of a full read, change for change, and whenever the
// incremental plan read data, exactly the SourceData / TargetData of a full read.
// Some sequences have no edit at all, and some only edits that change nothing in the plan (a value written again:
// its SystemModstamp moves). With nothing changed the incremental plan is the last plan, reused without loading the
// snapshots (src/state/plan-cache.ts): each chain checks that this happened and gave the full read's plan.
// The config is the demo's without `cases:` (tickets are read live, outside the snapshots; such syncs never reuse);
// half the chains also without ticket-aware retention (with it, a plan that deletes organizations is never reused).
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/model/config.js';
import type { SourceReader, TargetReader } from '../../src/model/ports.js';
import type { SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';
import type { PlanCache } from '../../src/state/plan-cache.js';
import { createPlan } from '../../src/services/plan.js';
import { prng } from '../../src/util/prng.js';
import { activityClock, comparable, openWorld, randomEdit, records, type World } from './world.js';

const CHAINS = 8;
const ROUNDS = 25; // 8 x 25 = 200 sequences

/** The demo's config without cases; `tickets: false` also without ticket-aware retention (a plan that deletes
 * organizations asks Zendesk about their tickets, a live read: such a plan is never reused). */
const configOf = (config: Config, tickets: boolean): Config => ({
  ...config,
  syncs: config.syncs.map(({ cases: _cases, ...s }) =>
    tickets || !s.organizations?.retention ? s : { ...s, organizations: { ...s.organizations, retention: { ...s.organizations.retention, keep_if_open_tickets: false } } },
  ),
});

/** A plan through `readers`, and what they returned (undefined: not read, the last plan was reused). */
async function planThrough(world: World, config: Config, readers: { source: SourceReader; target: TargetReader }, planCache?: PlanCache) {
  const seen: { source?: SourceData; target?: TargetData } = {};
  const plan = await createPlan({
    config,
    source: { read: async (o) => (seen.source = structuredClone(await readers.source.read(o))) },
    target: {
      read: async (o) => (seen.target = structuredClone(await readers.target.read(o))),
      // retention's ticket counts are a live read, outside the snapshot: no organization has tickets here
      ticketActivity: async ({ query }) => query.organizationIds.map((organizationId) => ({ organizationId, open: 0, recent: 0 })),
    },
    ...(planCache ? { planCache } : {}),
    now: () => new Date('2026-12-01T00:00:00Z'),
  });
  return { syncs: plan.syncs, seen };
}

/** An edit that changes nothing in the plan: a contact's Title written again (the row's SystemModstamp moves). */
async function sameValueEdit(world: World, rnd: () => number): Promise<string> {
  const contacts = records(world.sandbox.state(), 'Contact');
  const c = contacts[Math.floor(rnd() * contacts.length)];
  await world.sf([{ action: 'update', id: c.Id, fields: { Title: c.Title ?? null } }]);
  return `contact title written again ${c.Id}`;
}

describe('incremental plans equal full plans', () => {
  for (let chain = 0; chain < CHAINS; chain += 1) {
    it(`chain ${chain + 1}: ${ROUNDS} sequences of edits, each planned incrementally and in full`, async () => {
      const clock = activityClock();
      const world = await openWorld({ now: clock.now });
      // even chains: retention without tickets, so unchanged worlds reuse the last plan; odd chains: the demo's rule
      const reusable = chain % 2 === 0;
      const config = configOf(world.config, !reusable);
      const rnd = prng(1000 + chain);
      try {
        await planThrough(world, config, world.readers, world.planCache); // the first read is a full one and saves the snapshots
        expect(world.lines.every((l) => l.includes('full read (no snapshot yet)'))).toBe(true);
        let changesSeen = 0;
        let reused = 0;
        for (let round = 0; round < ROUNDS; round += 1) {
          const did: string[] = [];
          const r = rnd();
          const edits = r < 0.25 ? 0 : 1 + Math.floor(rnd() * 4);
          for (let i = 0; i < edits; i += 1) {
            did.push(r < 0.4 ? await sameValueEdit(world, rnd) : await randomEdit(world, rnd));
            clock.advance(Math.floor(rnd() * 1500));
          }
          const before = world.lines.length;
          const inc = await planThrough(world, config, world.readers, world.planCache);
          const full = await planThrough(world, config, world.live);
          const what = `chain ${chain} round ${round}: ${did.join('; ') || 'no edits'}`;
          const said = world.lines.slice(before);
          expect(said.length, what).toBeGreaterThan(0);
          expect(said.every((l) => l.includes('incremental read') || l.includes('is reused')), `${what}: ${said.join(' | ')}`).toBe(true);
          if (said.some((l) => l.includes('is reused'))) {
            reused += 1;
            expect(inc.seen, what).toEqual({});
          } else {
            expect(comparable(inc.seen.source!), what).toEqual(comparable(full.seen.source!));
            expect(inc.seen.target, what).toEqual(full.seen.target);
          }
          expect(inc.syncs, what).toEqual(full.syncs);
          changesSeen += full.syncs[0].changes.length;
          clock.advance(Math.floor(rnd() * 5000));
        }
        expect(changesSeen).toBeGreaterThan(0); // the edits did change the plans
        if (reusable) expect(reused).toBeGreaterThan(0); // and unchanged worlds took the last plan
      } finally {
        await world.close();
      }
    }, 300_000);
  }
});
