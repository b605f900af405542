// Incremental plans (issue 13): decorators of the SourceReader / TargetReader ports that return exactly the
// SourceData / TargetData a full read returns, from a snapshot in the state directory plus what changed since.
// map and reconcile run unchanged over that data, so the plan is the plan of a full read.
//
// One snapshot file per sync for Salesforce (salesforce-<sync>.jsonl.gz) and one per Zendesk instance
// (zendesk-<instance>.jsonl.gz). Each read decides, and says in one line, whether it reads fully or
// incrementally, and then replaces the snapshot (src/state/snapshot.ts: atomic rename, 0600). A full read when:
// there is no snapshot; it is unreadable, truncated or of another format; it was written for other queries
// (the digest of what is read: the built SOQL, the instance) or another instance (the Salesforce instance URL,
// the Zendesk URL); `--refresh`; the last full read is older than refresh_every; the clock went back before the
// last read; a mark is in the future. An incremental read that found nothing changed keeps the snapshot as it is
// (its marks, cursors and read time still serve: the next read asks for what changed since the same points).
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SalesforceInstance, Sync, ZendeskInstance } from '../model/config.js';
import type { SourceReader, SourceReaderOptions, TargetReader, TargetReaderOptions } from '../model/ports.js';
import type { AccountContactRelation, SfRecord, SourceData } from '../model/salesforce.js';
import type { TargetData, ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import type { SalesforceReader } from '../salesforce/reader.js';
import { buildSyncQueries } from '../salesforce/soql.js';
import { fullSalesforceRead, incrementalSalesforceRead, incrementalUnsupported, nothingChanged, parseStamp, salesforceChanges, type SalesforceChanges, type SalesforceState } from '../salesforce/delta.js';
import { fullZendeskRead, incrementalZendeskRead, zendeskChanges, zendeskUnchanged, type ZendeskChanges, type ZendeskIncrementalOptions, type ZendeskState } from '../zendesk/incremental.js';
import { measure } from '../util/timings.js';
import { readSnapshot, readSnapshotHeader, writeSnapshot, FORMAT_VERSION, type SnapshotHeader } from './snapshot.js';

export const DEFAULT_REFRESH_EVERY_MS = 24 * 3600_000;
/** a mark later than now by more than this is "in the future" */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface IncrementalReadersOptions {
  /** the state directory */
  dir: string;
  /** --refresh: a full read whatever the snapshot */
  refresh?: boolean;
  refreshEveryMs?: number;
  source: Pick<SalesforceReader, 'read' | 'query'>;
  target: TargetReader;
  zendesk: ZendeskIncrementalOptions;
  now?: () => number;
  /** Salesforce rows are re-read from this long before the last read (default 5 min; tests with a fake clock set 0) */
  overlapMs?: number;
  /** the one line per read saying which read it did and why */
  say: (line: string) => void;
}

export interface SfHeader extends SnapshotHeader {
  kind: 'salesforce';
  sync: string;
  digest: string;
  /** a random id per write (src/state/plan-cache.ts keys the last plan to it); absent in older snapshots */
  generation?: string;
  full_read_at: string;
  read_at: string;
  marks: Record<string, string | null>;
  children: SalesforceState['children'];
  instance_url: string;
  /** SalesforceState.seen */
  seen?: Record<string, string[]>;
}

export interface ZdHeader extends SnapshotHeader {
  kind: 'zendesk';
  instance: string;
  digest: string;
  /** a random id per write (src/state/plan-cache.ts keys the last plan to it); absent in older snapshots */
  generation?: string;
  full_read_at: string;
  read_at: string;
  organizations_end_time: number;
  users_cursor: string;
  instance_url: string;
  /** ZendeskState.organizationsSeen */
  organizations_seen?: string[];
}

const safe = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '_');
const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** What changes what Salesforce returns: the queries, the org reached. Never secrets. */
export function salesforceDigest(sync: Sync, instance: SalesforceInstance): string {
  const q = buildSyncQueries(sync);
  const auth = instance.auth as unknown as Record<string, unknown>;
  const who = ['username', 'client_id', 'method', 'flow'].map((k) => (typeof auth[k] === 'string' ? auth[k] : null));
  return sha({ v: FORMAT_VERSION, soql: [q.accounts, ...q.people, q.relations, q.retention].map((x) => x?.soql ?? null), login: instance.login_url, who });
}

export function zendeskDigest(instance: ZendeskInstance): string {
  return sha({ v: FORMAT_VERSION, url: instance.url });
}

function hours(ms: number): string {
  return ms >= 3600_000 ? `${Math.round(ms / 360_000) / 10}h` : `${Math.round(ms / 60_000)}m`;
}

/** Why the snapshot cannot serve an incremental read, or undefined when it can. */
function staleness(header: { digest: string; full_read_at: string; read_at: string }, digest: string, o: IncrementalReadersOptions, now: number): string | undefined {
  if (header.digest !== digest) return 'the snapshot was taken for another configuration (what is read changed)';
  if (o.refresh) return '--refresh';
  const read = Date.parse(header.read_at);
  const full = Date.parse(header.full_read_at);
  if (Number.isNaN(read) || Number.isNaN(full)) return 'the snapshot has no valid read times';
  if (now < read) return 'the clock is earlier than the last read (it went backwards)';
  const every = o.refreshEveryMs ?? DEFAULT_REFRESH_EVERY_MS;
  if (now - full >= every) return `the last full read was ${hours(now - full)} ago (refresh_every ${hours(every)})`;
  return undefined;
}

/** What one read left in the state directory: the snapshot's generation (a random id written with every
 * snapshot, so a rewrite of any kind gives a new one) and its size (a file cut short after it was written differs). */
export interface SnapshotId {
  generation: string;
  size: number;
}

/** The first half of an incremental read, before any snapshot record is loaded. */
export type SfProbe =
  | { kind: 'full'; reason: string }
  | { kind: 'delta'; file: string; header: SfHeader; changes: SalesforceChanges; unchanged: boolean; id: SnapshotId | undefined };
export type ZdProbe =
  | { kind: 'full'; reason: string }
  | { kind: 'delta'; file: string; header: ZdHeader; changes: ZendeskChanges; unchanged: boolean; id: SnapshotId | undefined };

export interface IncrementalReaders {
  source: SourceReader;
  target: TargetReader;
  /** reads the snapshot's header and what changed since it (kept for the read that follows: nothing is asked twice) */
  probeSalesforce(options: SourceReaderOptions): Promise<SfProbe>;
  probeZendesk(options: TargetReaderOptions): Promise<ZdProbe>;
  /** the snapshot the last read of this sync / instance left (undefined: none, or one of an older zdsf) */
  snapshotOf(kind: 'salesforce' | 'zendesk', name: string): SnapshotId | undefined;
  /** forgets the probes of a sync and its instance that no read will consume (the last plan was reused) */
  releaseProbes(syncName: string, instanceName: string): void;
  /** says a line as the readers do */
  say: (line: string) => void;
  dir: string;
}

const idOf = (header: { generation?: unknown }, size: number): SnapshotId | undefined => (typeof header.generation === 'string' ? { generation: header.generation, size } : undefined);

export function incrementalReaders(o: IncrementalReadersOptions): IncrementalReaders {
  const now = o.now ?? Date.now;
  // probes made (by a plan-cache look-up) and not yet consumed by a read, and what each read left
  const sfProbes = new Map<string, { started: number; probe: SfProbe }>();
  const zdProbes = new Map<string, { started: number; probe: ZdProbe }>();
  const left = new Map<string, SnapshotId | undefined>();

  async function probeSalesforce(options: SourceReaderOptions): Promise<SfProbe> {
    const { sync, instance } = options;
    const memo = sfProbes.get(sync.name);
    if (memo) return memo.probe;
    const started = now();
    const file = join(o.dir, `salesforce-${safe(sync.name)}.jsonl.gz`);
    const digest = salesforceDigest(sync, instance);
    const probe = await (async (): Promise<SfProbe> => {
      const unsupported = incrementalUnsupported(sync);
      if (unsupported) return { kind: 'full', reason: unsupported };
      const got = await measure(`snapshot: read Salesforce header (${sync.name})`, () => readSnapshotHeader<SfHeader>(file));
      if (!got.ok) return { kind: 'full', reason: got.reason };
      const header = got.header;
      if (header.kind !== 'salesforce' || header.sync !== sync.name) return { kind: 'full', reason: `${file} is not this sync's Salesforce snapshot` };
      const stale = staleness(header, digest, o, started);
      if (stale) return { kind: 'full', reason: stale };
      const future = Object.entries(header.marks).find(([, m]) => (parseStamp(m) ?? 0) > started + CLOCK_SKEW_MS);
      if (future) return { kind: 'full', reason: `the high-water mark of ${future[0]} (${future[1]}) is in the future` };
      const changes = await measure(`Salesforce changes since the snapshot (${sync.name})`, () =>
        salesforceChanges(o.source, options, { marks: header.marks, children: header.children, readAt: header.read_at, ...(o.overlapMs !== undefined ? { overlapMs: o.overlapMs } : {}) }),
      );
      if (changes.instanceUrl !== header.instance_url) return { kind: 'full', reason: `the snapshot is of another Salesforce org (${header.instance_url}, now ${changes.instanceUrl})` };
      return { kind: 'delta', file, header, changes, unchanged: nothingChanged(changes, header.seen), id: idOf(header, got.size) };
    })();
    sfProbes.set(sync.name, { started, probe });
    return probe;
  }

  async function probeZendesk(options: TargetReaderOptions): Promise<ZdProbe> {
    const { instance } = options;
    const memo = zdProbes.get(instance.name);
    if (memo) return memo.probe;
    const started = now();
    const file = join(o.dir, `zendesk-${safe(instance.name)}.jsonl.gz`);
    const digest = zendeskDigest(instance);
    const probe = await (async (): Promise<ZdProbe> => {
      const got = await measure(`snapshot: read Zendesk header (${instance.name})`, () => readSnapshotHeader<ZdHeader>(file));
      if (!got.ok) return { kind: 'full', reason: got.reason };
      const header = got.header;
      if (header.kind !== 'zendesk' || header.instance !== instance.name) return { kind: 'full', reason: `${file} is not this instance's Zendesk snapshot` };
      if (header.instance_url !== instance.url) return { kind: 'full', reason: `the snapshot is of another Zendesk instance (${header.instance_url})` };
      const stale = staleness(header, digest, o, started);
      if (stale) return { kind: 'full', reason: stale };
      if (header.organizations_end_time * 1000 > started + CLOCK_SKEW_MS) return { kind: 'full', reason: 'the organization export time is in the future' };
      const changes = await measure(`Zendesk changes since the snapshot (${instance.name})`, () =>
        zendeskChanges(o.zendesk, options, { organizationsEndTime: header.organizations_end_time, usersCursor: header.users_cursor }),
      );
      return { kind: 'delta', file, header, changes, unchanged: zendeskUnchanged(changes, header.organizations_seen), id: idOf(header, got.size) };
    })();
    zdProbes.set(instance.name, { started, probe });
    return probe;
  }

  const source: SourceReader = {
    async read(options: SourceReaderOptions): Promise<SourceData> {
      const { sync, instance } = options;
      const file = join(o.dir, `salesforce-${safe(sync.name)}.jsonl.gz`);
      const digest = salesforceDigest(sync, instance);
      const label = `sync ${sync.name}: Salesforce ${instance.name}`;
      const probe = await probeSalesforce(options);
      const started = sfProbes.get(sync.name)?.started ?? now();
      sfProbes.delete(sync.name);
      let reason = probe.kind === 'full' ? probe.reason : undefined;
      if (probe.kind === 'delta') {
        const { header } = probe;
        const got = await measure(`snapshot: read Salesforce (${sync.name})`, () => readSnapshot<SfHeader>(file));
        if (!got.ok) reason = got.reason;
        else if (got.snapshot.header.generation !== header.generation || got.snapshot.header.read_at !== header.read_at) reason = `${file} was replaced during the read`;
        else {
          const state: SalesforceState = { ...sfState(header, got.snapshot.sections, sync), readAt: header.read_at, ...(o.overlapMs !== undefined ? { overlapMs: o.overlapMs } : {}) };
          const r = await measure(`Salesforce changes since the snapshot (${sync.name})`, () => incrementalSalesforceRead(o.source, options, state, () => undefined, probe.changes));
          const changed = Object.entries(r.counts.changed).map(([k, v]) => `${v} ${k}`).join(', ');
          // nothing changed: the snapshot (its marks included) is still true; rewriting it would cost seconds at 500k rows
          const same = probe.unchanged || (r.counts.reread === 0 && Object.values(r.counts.changed).every((n) => n === 0));
          o.say(`${label}: incremental read since ${header.read_at} (changed: ${changed}; ${r.counts.reread} re-read by parent or child)${same ? '; snapshot unchanged, kept' : ''}`);
          left.set(`salesforce:${sync.name}`, same ? probe.id : await saveSf(file, sync, digest, header.full_read_at, new Date(started).toISOString(), r.state));
          return r.data;
        }
      }
      o.say(`${label}: full read (${reason ?? 'no snapshot'})`);
      const at = new Date(started).toISOString();
      const r = await fullSalesforceRead(o.source, options, { readAt: at, ...(o.overlapMs !== undefined ? { overlapMs: o.overlapMs } : {}) });
      left.set(`salesforce:${sync.name}`, await saveSf(file, sync, digest, at, at, r.state));
      return r.data;
    },
  };

  const target: TargetReader = {
    async read(options: TargetReaderOptions): Promise<TargetData> {
      const { instance } = options;
      const file = join(o.dir, `zendesk-${safe(instance.name)}.jsonl.gz`);
      const digest = zendeskDigest(instance);
      const label = `Zendesk ${instance.name}`;
      const probe = await probeZendesk(options);
      const started = zdProbes.get(instance.name)?.started ?? now();
      zdProbes.delete(instance.name);
      let reason = probe.kind === 'full' ? probe.reason : undefined;
      if (probe.kind === 'delta') {
        const { header } = probe;
        const got = await measure(`snapshot: read Zendesk (${instance.name})`, () => readSnapshot<ZdHeader>(file));
        if (!got.ok) reason = got.reason;
        else if (got.snapshot.header.generation !== header.generation || got.snapshot.header.read_at !== header.read_at) reason = `${file} was replaced during the read`;
        else {
          const s = got.snapshot.sections;
          const state: ZendeskState = {
            instanceUrl: header.instance_url,
            organizationsEndTime: header.organizations_end_time,
            usersCursor: header.users_cursor,
            organizations: (s.organizations ?? []) as ZdOrganization[],
            users: (s.users ?? []) as ZdUser[],
            memberships: (s.memberships ?? []) as ZdMembership[],
            ...(header.organizations_seen ? { organizationsSeen: header.organizations_seen } : {}),
          };
          const r = await measure(`Zendesk changes since the snapshot (${instance.name})`, () => incrementalZendeskRead(o.zendesk, options, state, probe.changes));
          // nothing exported: the snapshot and its cursors still serve (the next export from them returns what changes next)
          const same = probe.unchanged || (r.counts.organizations === 0 && r.counts.users === 0);
          o.say(
            `${label}: incremental read since ${header.read_at} (${r.counts.organizations} organizations, ${r.counts.users} users changed; ${r.counts.membershipReads} membership reads)${same ? '; snapshot unchanged, kept' : ''}`,
          );
          left.set(`zendesk:${instance.name}`, same ? probe.id : await saveZd(file, instance, digest, header.full_read_at, new Date(started).toISOString(), r.state));
          return r.data;
        }
      }
      o.say(`${label}: full read (${reason})`);
      const r = await fullZendeskRead(o.target, o.zendesk, options);
      const at = new Date(started).toISOString();
      left.set(`zendesk:${instance.name}`, await saveZd(file, instance, digest, at, at, r.state));
      return r.data;
    },
  };

  const releaseProbes = (syncName: string, instanceName: string): void => {
    sfProbes.delete(syncName);
    zdProbes.delete(instanceName);
  };
  return { source, target, probeSalesforce, probeZendesk, releaseProbes, snapshotOf: (kind, name) => left.get(`${kind}:${name}`), say: o.say, dir: o.dir };
}

function sfState(header: SfHeader, sections: Record<string, unknown[]>, sync: Sync): SalesforceState {
  return {
    marks: header.marks,
    children: header.children,
    instanceUrl: header.instance_url,
    ...(header.seen ? { seen: header.seen } : {}),
    accounts: (sections.accounts ?? []) as SfRecord[],
    people: (sync.users?.sources ?? []).map((_, i) => (sections[`people.${i}`] ?? []) as SfRecord[]),
    relations: (sections.relations ?? []) as AccountContactRelation[],
    retention: (sections.retention ?? []) as string[],
  };
}

async function saveSf(file: string, sync: Sync, digest: string, fullAt: string, readAt: string, s: SalesforceState): Promise<SnapshotId> {
  const generation = randomBytes(12).toString('hex');
  const header: Omit<SfHeader, 'zdsf_snapshot'> = { kind: 'salesforce', sync: sync.name, digest, generation, full_read_at: fullAt, read_at: readAt, marks: s.marks, children: s.children, instance_url: s.instanceUrl, ...(s.seen ? { seen: s.seen } : {}) };
  const sections: Record<string, Iterable<unknown>> = { accounts: s.accounts, relations: s.relations, retention: s.retention };
  s.people.forEach((rows, i) => (sections[`people.${i}`] = rows));
  const size = await measure(`snapshot: write Salesforce (${sync.name})`, () => writeSnapshot(file, header, sections));
  return { generation, size };
}

async function saveZd(file: string, instance: ZendeskInstance, digest: string, fullAt: string, readAt: string, s: ZendeskState): Promise<SnapshotId> {
  const generation = randomBytes(12).toString('hex');
  const header: Omit<ZdHeader, 'zdsf_snapshot'> = {
    kind: 'zendesk',
    instance: instance.name,
    digest,
    generation,
    full_read_at: fullAt,
    read_at: readAt,
    organizations_end_time: s.organizationsEndTime,
    users_cursor: s.usersCursor,
    instance_url: instance.url,
    ...(s.organizationsSeen ? { organizations_seen: s.organizationsSeen } : {}),
  };
  const size = await measure(`snapshot: write Zendesk (${instance.name})`, () => writeSnapshot(file, header, { organizations: s.organizations, users: s.users, memberships: s.memberships }));
  return { generation, size };
}
