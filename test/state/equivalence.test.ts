// Done-when of issue 13: on a generated world (the demo seed: accounts with subscriptions, contacts on several
// accounts, leads, retention), 200 random sequences of edits between runs, each followed by an incremental read
// over the sandbox's HTTP API; every one gives exactly the SourceData / TargetData of a full read, and so the
// same plan, change for change.
import { describe, expect, it } from 'vitest';
import type { SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';
import { createPlan } from '../../src/services/plan.js';
import { prng } from '../../src/util/prng.js';
import { activityClock, comparable, openWorld, randomEdit, type World } from './world.js';

const CHAINS = 8;
const ROUNDS = 25; // 8 x 25 = 200 sequences

async function planOf(world: World, data: { source: SourceData; target: TargetData }) {
  const plan = await createPlan({
    config: world.config,
    source: { read: async () => structuredClone(data.source) },
    target: {
      read: async () => structuredClone(data.target),
      // retention's ticket counts are a live read, outside the snapshot: no organization has tickets here
      ticketActivity: async ({ query }) => query.organizationIds.map((organizationId) => ({ organizationId, open: 0, recent: 0 })),
    },
    now: () => new Date('2026-12-01T00:00:00Z'),
  });
  return plan.syncs;
}

describe('incremental reads equal full reads', () => {
  for (let chain = 0; chain < CHAINS; chain += 1) {
    it(`chain ${chain + 1}: ${ROUNDS} sequences of edits, each read incrementally and in full`, async () => {
      const clock = activityClock();
      const world = await openWorld({ now: clock.now });
      const rnd = prng(1000 + chain);
      try {
        await world.incremental(); // the first read is a full one and saves the snapshots
        expect(world.lines.every((l) => l.includes('full read (no snapshot yet)'))).toBe(true);
        let changesSeen = 0;
        for (let round = 0; round < ROUNDS; round += 1) {
          const did: string[] = [];
          const edits = 1 + Math.floor(rnd() * 4);
          for (let i = 0; i < edits; i += 1) {
            did.push(await randomEdit(world, rnd));
            clock.advance(Math.floor(rnd() * 1500));
          }
          const before = world.lines.length;
          const inc = await world.incremental();
          const full = await world.full();
          const what = `chain ${chain} round ${round}: ${did.join('; ')}`;
          expect(world.lines.slice(before).every((l) => l.includes('incremental read')), what).toBe(true);
          expect(comparable(inc.source), what).toEqual(comparable(full.source));
          expect(inc.target, what).toEqual(full.target);
          const [incPlan, fullPlan] = [await planOf(world, inc), await planOf(world, full)];
          expect(incPlan, what).toEqual(fullPlan);
          changesSeen += fullPlan[0].changes.length;
          clock.advance(Math.floor(rnd() * 5000));
        }
        expect(changesSeen).toBeGreaterThan(0); // the edits did change the plans
      } finally {
        await world.close();
      }
    }, 300_000);
  }
});
