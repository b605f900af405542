// The last plan of an unchanged world (issue 13). When every delta read of a sync finds nothing (no Salesforce row
// changed since the marks, nothing in either Zendesk export) and nothing else that feeds its plan changed, the
// plan is the one computed last time over exactly these snapshots: it is taken from plan-<sync>.json.gz in the
// state directory, and neither snapshot is loaded, nor map or reconcile run.
//
// The entry is keyed (sha-256) by everything the plan is a function of:
// - the two snapshots it was computed over, by generation (a random id written with every snapshot: any rewrite,
//   a delta folded in or a full read, gives a new one) and file size (a file cut short since differs);
// - the live reads around the records: the Salesforce describes, the Zendesk field lists, account settings and
//   rate limit (read again on every run, they are a few requests);
// - the config's digest (src/config: the whole sync.yaml, env values resolved), the plan format, zdsf's version,
//   --report-orphans.
// Syncs whose plan depends on the clock or on reads outside the snapshots are computed every time, never reused:
// cases (tickets are read live), users.offboard (grace periods, who zdsf signs in as), a plan whose ticket-aware
// retention asked Zendesk about tickets (open tickets, keep_if_ticket_within_days), a plan with field changes
// (the permission check is live). refresh_every needs no rule here: a snapshot past it is not used at all.
// Written atomically (src/state/snapshot.ts: temp file + rename, 0600) and only for plans of up to MAX_CHANGES changes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sync } from '../model/config.js';
import { PLAN_FORMAT_VERSION, type SyncPlan } from '../model/plan.js';
import type { SourceReaderOptions, TargetReaderOptions } from '../model/ports.js';
import type { SfObjectDescribe } from '../model/salesforce.js';
import type { TargetData } from '../model/zendesk.js';
import type { SalesforceReader } from '../salesforce/reader.js';
import { measure } from '../util/timings.js';
import type { IncrementalReaders, SnapshotId } from './incremental.js';
import { readSnapshot, writeSnapshot, type SnapshotHeader } from './snapshot.js';

/** larger plans are not kept (a first sync's plan file can be hundreds of MB, and is applied, not reused) */
export const MAX_CHANGES = 20_000;

export interface PlanCacheContext {
  sync: Sync;
  source: SourceReaderOptions;
  target: TargetReaderOptions;
  configDigest: string;
  reportOrphans?: boolean;
}

export interface PlanCache {
  /** the plan computed last over exactly what the reads would return now, or undefined (then plan computes it) */
  lookup(ctx: PlanCacheContext): Promise<SyncPlan | undefined>;
  /** keeps `plan` for the next run; `live`: the plan depended on the clock or on live reads (then nothing is kept) */
  store(ctx: PlanCacheContext, plan: SyncPlan, inputs: { describe: Record<string, SfObjectDescribe>; target: TargetData; live: boolean }): Promise<void>;
}

interface Entry extends SnapshotHeader {
  kind: 'plan';
  sync: string;
  key: string;
  describe_objects: string[];
  computed_at: string;
}

const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

let version: string | undefined;
/** zdsf's version (package.json above this file, from src/ or dist/src/) */
function zdsfVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'zdsf') return (version = String(pkg.version));
    } catch {
      // not here: one level up
    }
  }
  return (version = 'unknown');
}

/** Syncs whose plan can be reused at all (see the top of this file). */
export function reusable(sync: Sync): boolean {
  return !sync.cases && !sync.users?.offboard;
}

const liveTarget = (t: Pick<TargetData, 'organizationFields' | 'userFields' | 'settings' | 'rateLimitPerMinute'>) => ({
  organizationFields: t.organizationFields,
  userFields: t.userFields,
  settings: t.settings,
  rateLimitPerMinute: t.rateLimitPerMinute ?? null,
});

function keyOf(ctx: PlanCacheContext, sf: SnapshotId, zd: SnapshotId, describe: Record<string, SfObjectDescribe | undefined>, target: ReturnType<typeof liveTarget>): string {
  return sha({
    zdsf: zdsfVersion(),
    plan: PLAN_FORMAT_VERSION,
    config: ctx.configDigest,
    sync: ctx.sync.name,
    reportOrphans: ctx.reportOrphans === true,
    sf,
    zd,
    describe: Object.keys(describe)
      .sort()
      .map((k) => [k, describe[k] ?? null]),
    target,
  });
}

const safe = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '_');

export function createPlanCache(readers: IncrementalReaders, sf: Pick<SalesforceReader, 'query'>): PlanCache {
  const fileOf = (sync: Sync): string => join(readers.dir, `plan-${safe(sync.name)}.json.gz`);
  return {
    async lookup(ctx) {
      if (!reusable(ctx.sync)) return undefined;
      const file = fileOf(ctx.sync);
      // the delta reads first (the reads that follow on a miss use them: nothing is asked twice)
      const [sfProbe, zdProbe] = await Promise.all([readers.probeSalesforce(ctx.source), readers.probeZendesk(ctx.target)]);
      if (sfProbe.kind !== 'delta' || zdProbe.kind !== 'delta' || !sfProbe.unchanged || !zdProbe.unchanged || !sfProbe.id || !zdProbe.id) return undefined;
      const got = await measure(`last plan: read (${ctx.sync.name})`, () => readSnapshot<Entry>(file));
      if (!got.ok || got.snapshot.header.kind !== 'plan' || got.snapshot.header.sync !== ctx.sync.name) return undefined;
      const entry = got.snapshot.header;
      const plan = got.snapshot.sections.plan?.[0] as SyncPlan | undefined;
      if (!plan) return undefined;
      // the describes the plan was computed with, read again (what a read's step 2 would have asked)
      const { describes } = await sf.query(ctx.source, [], entry.describe_objects);
      if (keyOf(ctx, sfProbe.id, zdProbe.id, describes, liveTarget(zdProbe.changes.live)) !== entry.key) return undefined;
      readers.releaseProbes(ctx.sync.name, ctx.target.instance.name);
      readers.say(
        `sync ${ctx.sync.name}: nothing changed in Salesforce or Zendesk since the snapshots, nor in the config, schema or zdsf: ` +
          `the plan computed over them at ${entry.computed_at} is reused (no snapshot loaded; kept until a change, --refresh or refresh_every)`,
      );
      return plan;
    },

    async store(ctx, plan, inputs) {
      if (!reusable(ctx.sync) || inputs.live || plan.error !== undefined || plan.changes.length > MAX_CHANGES) return;
      const sfId = readers.snapshotOf('salesforce', ctx.sync.name);
      const zdId = readers.snapshotOf('zendesk', ctx.target.instance.name);
      if (!sfId || !zdId) return;
      const header: Omit<Entry, 'zdsf_snapshot'> = {
        kind: 'plan',
        sync: ctx.sync.name,
        key: keyOf(ctx, sfId, zdId, inputs.describe, liveTarget(inputs.target)),
        describe_objects: Object.keys(inputs.describe).sort(),
        computed_at: new Date().toISOString(),
      };
      await measure(`last plan: write (${ctx.sync.name})`, () => writeSnapshot(fileOf(ctx.sync), header, { plan: [plan] }));
    },
  };
}
