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
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { SalesforceInstance, Sync, ZendeskInstance } from '../model/config.js';
import type { SourceReader, SourceReaderOptions, TargetReader, TargetReaderOptions } from '../model/ports.js';
import type { AccountContactRelation, SfRecord, SourceData } from '../model/salesforce.js';
import type { TargetData, ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import type { SalesforceReader } from '../salesforce/reader.js';
import { buildSyncQueries } from '../salesforce/soql.js';
import { fullSalesforceRead, incrementalSalesforceRead, incrementalUnsupported, parseStamp, type SalesforceState } from '../salesforce/delta.js';
import { fullZendeskRead, incrementalZendeskRead, type ZendeskIncrementalOptions, type ZendeskState } from '../zendesk/incremental.js';
import { measure } from '../util/timings.js';
import { readSnapshot, writeSnapshot, FORMAT_VERSION, type SnapshotHeader } from './snapshot.js';

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

interface SfHeader extends SnapshotHeader {
  kind: 'salesforce';
  sync: string;
  digest: string;
  full_read_at: string;
  read_at: string;
  marks: Record<string, string | null>;
  children: SalesforceState['children'];
  instance_url: string;
}

interface ZdHeader extends SnapshotHeader {
  kind: 'zendesk';
  instance: string;
  digest: string;
  full_read_at: string;
  read_at: string;
  organizations_end_time: number;
  users_cursor: string;
  instance_url: string;
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

class SnapshotMismatch extends Error {}

export function incrementalReaders(o: IncrementalReadersOptions): { source: SourceReader; target: TargetReader } {
  const now = o.now ?? Date.now;

  const source: SourceReader = {
    async read(options: SourceReaderOptions): Promise<SourceData> {
      const { sync, instance } = options;
      const file = join(o.dir, `salesforce-${safe(sync.name)}.jsonl.gz`);
      const digest = salesforceDigest(sync, instance);
      const started = now();
      const label = `sync ${sync.name}: Salesforce ${instance.name}`;
      let reason = incrementalUnsupported(sync);
      let state: SalesforceState | undefined;
      let header: SfHeader | undefined;
      if (!reason) {
        const got = await measure(`snapshot: read Salesforce (${sync.name})`, () => readSnapshot<SfHeader>(file));
        if (!got.ok) reason = got.reason;
        else if (got.snapshot.header.kind !== 'salesforce' || got.snapshot.header.sync !== sync.name) reason = `${file} is not this sync's Salesforce snapshot`;
        else {
          header = got.snapshot.header;
          reason = staleness(header, digest, o, started);
          const future = Object.entries(header.marks).find(([, m]) => (parseStamp(m) ?? 0) > started + CLOCK_SKEW_MS);
          if (!reason && future) reason = `the high-water mark of ${future[0]} (${future[1]}) is in the future`;
          if (!reason) state = { ...sfState(header, got.snapshot.sections, sync), readAt: header.read_at, ...(o.overlapMs !== undefined ? { overlapMs: o.overlapMs } : {}) };
        }
      }
      if (state && header) {
        try {
          const r = await measure(`Salesforce changes since the snapshot (${sync.name})`, () =>
            incrementalSalesforceRead(o.source, options, state!, (url) => {
              if (url !== header?.instance_url) throw new SnapshotMismatch(`the snapshot is of another Salesforce org (${header?.instance_url}, now ${url})`);
            }),
          );
          const changed = Object.entries(r.counts.changed).map(([k, v]) => `${v} ${k}`).join(', ');
          // nothing changed: the snapshot (its marks included) is still true; rewriting it would cost seconds at 500k rows
          const same = r.counts.reread === 0 && Object.values(r.counts.changed).every((n) => n === 0);
          o.say(`${label}: incremental read since ${header.read_at} (changed: ${changed}; ${r.counts.reread} re-read by parent or child)${same ? '; snapshot unchanged, kept' : ''}`);
          if (!same) await saveSf(file, sync, digest, header.full_read_at, new Date(started).toISOString(), r.state);
          return r.data;
        } catch (err) {
          if (!(err instanceof SnapshotMismatch)) throw err;
          reason = err.message;
        }
      }
      o.say(`${label}: full read (${reason ?? 'no snapshot'})`);
      const r = await fullSalesforceRead(o.source, options);
      const at = new Date(started).toISOString();
      await saveSf(file, sync, digest, at, at, r.state);
      return r.data;
    },
  };

  const target: TargetReader = {
    async read(options: TargetReaderOptions): Promise<TargetData> {
      const { instance } = options;
      const file = join(o.dir, `zendesk-${safe(instance.name)}.jsonl.gz`);
      const digest = zendeskDigest(instance);
      const started = now();
      const label = `Zendesk ${instance.name}`;
      let reason: string | undefined;
      const got = await measure(`snapshot: read Zendesk (${instance.name})`, () => readSnapshot<ZdHeader>(file));
      if (!got.ok) reason = got.reason;
      else {
        const header = got.snapshot.header;
        if (header.kind !== 'zendesk' || header.instance !== instance.name) reason = `${file} is not this instance's Zendesk snapshot`;
        else if (header.instance_url !== instance.url) reason = `the snapshot is of another Zendesk instance (${header.instance_url})`;
        else reason = staleness(header, digest, o, started);
        if (!reason && header.organizations_end_time * 1000 > started + CLOCK_SKEW_MS) reason = 'the organization export time is in the future';
        if (!reason) {
          const s = got.snapshot.sections;
          const state: ZendeskState = {
            instanceUrl: header.instance_url,
            organizationsEndTime: header.organizations_end_time,
            usersCursor: header.users_cursor,
            organizations: (s.organizations ?? []) as ZdOrganization[],
            users: (s.users ?? []) as ZdUser[],
            memberships: (s.memberships ?? []) as ZdMembership[],
          };
          const r = await measure(`Zendesk changes since the snapshot (${instance.name})`, () => incrementalZendeskRead(o.zendesk, options, state));
          // nothing exported: the snapshot and its cursors still serve (the next export from them returns what changes next)
          const same = r.counts.organizations === 0 && r.counts.users === 0;
          o.say(
            `${label}: incremental read since ${header.read_at} (${r.counts.organizations} organizations, ${r.counts.users} users changed; ${r.counts.membershipReads} membership reads)${same ? '; snapshot unchanged, kept' : ''}`,
          );
          if (!same) await saveZd(file, instance, digest, header.full_read_at, new Date(started).toISOString(), r.state);
          return r.data;
        }
      }
      o.say(`${label}: full read (${reason})`);
      const r = await fullZendeskRead(o.target, o.zendesk, options);
      const at = new Date(started).toISOString();
      await saveZd(file, instance, digest, at, at, r.state);
      return r.data;
    },
  };

  return { source, target };
}

function sfState(header: SfHeader, sections: Record<string, unknown[]>, sync: Sync): SalesforceState {
  return {
    marks: header.marks,
    children: header.children,
    instanceUrl: header.instance_url,
    accounts: (sections.accounts ?? []) as SfRecord[],
    people: (sync.users?.sources ?? []).map((_, i) => (sections[`people.${i}`] ?? []) as SfRecord[]),
    relations: (sections.relations ?? []) as AccountContactRelation[],
    retention: (sections.retention ?? []) as string[],
  };
}

async function saveSf(file: string, sync: Sync, digest: string, fullAt: string, readAt: string, s: SalesforceState): Promise<void> {
  const header: Omit<SfHeader, 'zdsf_snapshot'> = { kind: 'salesforce', sync: sync.name, digest, full_read_at: fullAt, read_at: readAt, marks: s.marks, children: s.children, instance_url: s.instanceUrl };
  const sections: Record<string, Iterable<unknown>> = { accounts: s.accounts, relations: s.relations, retention: s.retention };
  s.people.forEach((rows, i) => (sections[`people.${i}`] = rows));
  await measure(`snapshot: write Salesforce (${sync.name})`, () => writeSnapshot(file, header, sections));
}

async function saveZd(file: string, instance: ZendeskInstance, digest: string, fullAt: string, readAt: string, s: ZendeskState): Promise<void> {
  const header: Omit<ZdHeader, 'zdsf_snapshot'> = {
    kind: 'zendesk',
    instance: instance.name,
    digest,
    full_read_at: fullAt,
    read_at: readAt,
    organizations_end_time: s.organizationsEndTime,
    users_cursor: s.usersCursor,
    instance_url: instance.url,
  };
  await measure(`snapshot: write Zendesk (${instance.name})`, () => writeSnapshot(file, header, { organizations: s.organizations, users: s.users, memberships: s.memberships }));
}
