// A world for the incremental-read tests: the demo seed in the sandbox, readers wired full and incremental,
// and random edits of both systems the way people make them (Salesforce through the sandbox's change endpoint,
// Zendesk through its API).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import type { SandboxSeed, SfSeedRecord } from '../../src/model/seed.js';
import type { SfRecord, SourceData } from '../../src/model/salesforce.js';
import type { TargetData } from '../../src/model/zendesk.js';
import type { SourceReader, TargetReader } from '../../src/model/ports.js';
import type { SfChange } from '../../src/sandbox/salesforce/changes.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { incrementalReaders } from '../../src/state/incremental.js';
import { createPlanCache, type PlanCache } from '../../src/state/plan-cache.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { ZendeskTransport } from '../../src/zendesk/transport.js';

const root = join(import.meta.dirname, '..', '..');
export const CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
export const SEED = join(root, 'fixtures', 'demo', 'seed.json');

export interface World {
  sandbox: Sandbox;
  config: Config;
  dir: string;
  lines: string[];
  readers: ReturnType<typeof incrementalReaders>;
  /** the last plan of an unchanged world, over `readers` (src/state/plan-cache.ts) */
  planCache: PlanCache;
  /** the full readers */
  live: { source: SourceReader; target: TargetReader };
  full(): Promise<{ source: SourceData; target: TargetData }>;
  incremental(): Promise<{ source: SourceData; target: TargetData }>;
  sf(changes: SfChange[]): Promise<{ id: string }[]>;
  zd(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A clock that moves 3 ms each time it is read: Salesforce stamps and Zendesk seconds move on with the activity. */
export function activityClock(start = Date.parse('2026-12-01T10:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => (t += 3),
    advance: (ms) => {
      t += ms;
    },
  };
}

export async function openWorld(options: { now?: () => number; refreshEveryMs?: number } = {}): Promise<World> {
  const sandbox = await startSandbox({
    seed: SEED,
    port: 0,
    incrementalRateLimitPerMinute: 1_000_000,
    rateLimitPerMinute: 1_000_000,
    ...(options.now ? { now: options.now } : {}),
  });
  const env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
  const config = await loadConfigOrThrow({ file: CONFIG, env });
  const dir = await mkdtemp(join(tmpdir(), 'zdsf-state-'));
  const lines: string[] = [];
  const sf = createSalesforceReader();
  const zd = createZendeskReader();
  const readers = incrementalReaders({
    dir,
    source: sf,
    target: zd,
    zendesk: { transportFor: (o) => new ZendeskTransport(o.instance, {}), exportRequestsPerMinute: 1_000_000, ...(options.now ? { now: options.now } : {}) },
    overlapMs: 0,
    say: (l) => lines.push(l),
    ...(options.now ? { now: options.now } : {}),
    ...(options.refreshEveryMs ? { refreshEveryMs: options.refreshEveryMs } : {}),
  });
  const sync = config.syncs[0];
  const read = async (s: { read: typeof sf.read }, t: { read: typeof zd.read }) => ({
    source: await s.read({ instance: config.salesforce[sync.from], sync }),
    target: await t.read({ instance: config.zendesk[sync.to] }),
  });
  const auth = { authorization: 'Bearer sandbox', 'content-type': 'application/json' };
  return {
    sandbox,
    config,
    dir,
    lines,
    readers,
    planCache: createPlanCache(readers, sf),
    live: { source: sf, target: zd },
    full: () => read(sf, zd),
    incremental: () => read(readers.source, readers.target),
    async sf(changes) {
      const res = await fetch(`${sandbox.url}/__sandbox/salesforce/changes`, { method: 'POST', headers: auth, body: JSON.stringify({ changes }) });
      const body = (await res.json()) as { results?: { id: string }[]; description?: string };
      if (!res.ok) throw new Error(`sandbox change refused: ${body.description}`);
      return body.results ?? [];
    },
    async zd(method, path, body) {
      const res = await fetch(`${sandbox.url}/api/v2/${path}`, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    },
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Bulk API 2.0 leaves parent attributes out; nothing downstream reads them: compared without them. */
export function comparable(data: SourceData): SourceData {
  const strip = (r: unknown): unknown => {
    if (Array.isArray(r)) return r.map(strip);
    if (typeof r !== 'object' || r === null) return r;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'attributes') out[k] = strip(v);
    const rec = r as SfRecord;
    if (rec.attributes?.type) out.__type = rec.attributes.type;
    return out;
  };
  return { ...data, accounts: strip(data.accounts) as SfRecord[], people: strip(data.people) as SfRecord[] };
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, items: T[]): T => items[Math.floor(rnd() * items.length)];

/** The live records, to pick edits from. */
export function records(seed: SandboxSeed, object: string): SfSeedRecord[] {
  return ((seed.salesforce?.[object] as SfSeedRecord[] | undefined) ?? []).filter((r) => r.IsDeleted !== true);
}
export function deleted(seed: SandboxSeed, object: string): SfSeedRecord[] {
  return ((seed.salesforce?.[object] as SfSeedRecord[] | undefined) ?? []).filter((r) => r.IsDeleted === true);
}

let serial = 0;

/** One random edit of Salesforce or Zendesk; returns what it did (for failure messages). */
export async function randomEdit(world: World, rnd: Rnd): Promise<string> {
  const state = world.sandbox.state();
  const kind = Math.floor(rnd() * 17);
  serial += 1;
  const sfEdit = async (label: string, change: SfChange): Promise<string> => {
    await world.sf([change]);
    return `${label} ${change.id ?? ''}`;
  };
  const accounts = records(state, 'Account');
  const contacts = records(state, 'Contact');
  const zdState = state.zendesk ?? {};
  switch (kind) {
    case 0:
      return sfEdit('account renamed', { action: 'update', id: pick(rnd, accounts).Id, fields: { Name: `Renamed ${serial}` } });
    case 1: // leaves or enters the organizations filter
      return sfEdit('account type', { action: 'update', id: pick(rnd, accounts).Id, fields: { Type: pick(rnd, ['Customer', 'Prospect', 'Former Customer', 'Partner']) } });
    case 2:
      return sfEdit('contact email case', { action: 'update', id: pick(rnd, contacts).Id, fields: { Email: String(pick(rnd, contacts).Email ?? 'x@y.example').toUpperCase() } });
    case 3: // leaves or enters the users filter
      return sfEdit('contact active', { action: 'update', id: pick(rnd, contacts).Id, fields: { Inactive_Contact__c: rnd() < 0.5 } });
    case 4:
      return sfEdit('contact moved', { action: 'update', id: pick(rnd, contacts).Id, fields: { AccountId: pick(rnd, accounts).Id, Title: `Title ${serial}` } });
    case 5:
      return sfEdit('contact created', { action: 'create', object: 'Contact', fields: { FirstName: 'New', LastName: `Person${serial}`, Email: `new${serial}@acme.example`, AccountId: pick(rnd, accounts).Id, Inactive_Contact__c: false } });
    case 6: {
      const d = deleted(state, 'Contact');
      if (d.length > 0 && rnd() < 0.5) return sfEdit('contact undeleted', { action: 'undelete', id: pick(rnd, d).Id });
      return sfEdit('contact deleted', { action: 'delete', id: pick(rnd, contacts).Id });
    }
    case 7: {
      const d = deleted(state, 'Account');
      if (d.length > 0 && rnd() < 0.5) return sfEdit('account undeleted', { action: 'undelete', id: pick(rnd, d).Id });
      return sfEdit('account deleted', { action: 'delete', id: pick(rnd, accounts).Id });
    }
    case 8: {
      const subs = records(state, 'Customer_Subscription__c');
      const s = pick(rnd, subs);
      const r = rnd();
      if (r < 0.4) return sfEdit('subscription seats', { action: 'update', id: s.Id, fields: { Entitled_Seats__c: Math.floor(rnd() * 500) } });
      if (r < 0.6) return sfEdit('subscription status', { action: 'update', id: s.Id, fields: { Current_Subscription_Status__c: pick(rnd, ['Active', 'Cancelled']) } });
      if (r < 0.75) return sfEdit('subscription moved', { action: 'update', id: s.Id, fields: { Account__c: pick(rnd, accounts).Id } });
      if (r < 0.9) return sfEdit('subscription deleted', { action: 'delete', id: s.Id });
      return sfEdit('subscription created', {
        action: 'create',
        object: 'Customer_Subscription__c',
        fields: { Account__c: pick(rnd, accounts).Id, Current_Subscription_Status__c: 'Active', Entitled_Seats__c: 7, Plan_Name__c: `Plan ${serial}` },
      });
    }
    case 9: {
      const rels = records(state, 'AccountContactRelation');
      const r = rnd();
      if (r < 0.4) return sfEdit('relation active', { action: 'update', id: pick(rnd, rels).Id, fields: { IsActive: rnd() < 0.5 } });
      if (r < 0.7) return sfEdit('relation deleted', { action: 'delete', id: pick(rnd, rels.filter((x) => x.IsDirect !== true).concat(rels)).Id });
      return sfEdit('relation created', {
        action: 'create',
        object: 'AccountContactRelation',
        fields: { AccountId: pick(rnd, accounts).Id, ContactId: pick(rnd, contacts).Id, IsDirect: false, IsActive: true },
      });
    }
    case 10: {
      const leads = records(state, 'Lead');
      return sfEdit('lead', { action: 'update', id: pick(rnd, leads).Id, fields: rnd() < 0.5 ? { IsConverted: rnd() < 0.5 } : { Email: `lead${serial}@prospect.example` } });
    }
    case 11: {
      const orgs = zdState.organizations ?? [];
      const o = pick(rnd, orgs);
      await world.zd('PUT', `organizations/${o.id}`, { organization: rnd() < 0.5 ? { notes: `edited ${serial}` } : { tags: ['by_hand', `t${serial}`] } });
      return `zendesk org edited ${o.id}`;
    }
    case 12: {
      if (rnd() < 0.6) {
        await world.zd('POST', 'organizations', { organization: { name: `Hand made ${serial}`, external_id: rnd() < 0.5 ? `hand-${serial}` : null } });
        return 'zendesk org created by hand';
      }
      const o = pick(rnd, zdState.organizations ?? []);
      await world.zd('DELETE', `organizations/${o.id}`);
      return `zendesk org deleted ${o.id}`;
    }
    case 13: {
      const users = (zdState.users ?? []).filter((u) => u.role === 'end-user');
      const u = pick(rnd, users);
      await world.zd('PUT', `users/${u.id}`, { user: rnd() < 0.5 ? { name: `Hand ${serial}` } : { tags: ['vip'], email: rnd() < 0.3 ? String(u.email).toUpperCase() : undefined } });
      return `zendesk user edited ${u.id}`;
    }
    case 14: {
      if (rnd() < 0.6) {
        await world.zd('POST', 'users', { user: { name: `Hand ${serial}`, email: `hand${serial}@acme.example`, skip_verify_email: true } });
        return 'zendesk user created by hand';
      }
      const u = pick(rnd, (zdState.users ?? []).filter((x) => x.role === 'end-user'));
      await world.zd('DELETE', `users/${u.id}`);
      return `zendesk user deleted ${u.id}`;
    }
    case 15: {
      const users = (zdState.users ?? []).filter((u) => u.role === 'end-user');
      const orgs = zdState.organizations ?? [];
      const u = pick(rnd, users);
      await world.zd('POST', 'organization_memberships', { organization_membership: { user_id: u.id, organization_id: pick(rnd, orgs).id } });
      return `zendesk membership created for ${u.id}`;
    }
    default: {
      const ms = zdState.organization_memberships ?? [];
      if (ms.length === 0) return 'nothing';
      const m = pick(rnd, ms);
      if (rnd() < 0.5) await world.zd('DELETE', `organization_memberships/${m.id}`);
      else await world.zd('PUT', `users/${m.user_id}/organization_memberships/${m.id}/make_default`);
      return `zendesk membership ${m.id} removed or made default`;
    }
  }
}
