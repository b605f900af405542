// Steady-state seeds (issue 13's bench): the generated seed with its Zendesk side replaced by what a completed
// first sync leaves there, ids and all, so that measuring reruns at 100k accounts / 500k contacts does not need
// a first apply of hundreds of thousands of records over HTTP (it took most of a 35-minute bench at 20k/100k).
//
// It is a real plan and a real apply, in this process: the sandbox on a free loopback port (no rate limit), zdsf's
// own readers, map, reconcile, guard and writers (job polls 1 ms apart), then the sandbox's Zendesk state taken
// as the new Zendesk seed. The Salesforce side is the generated one, unchanged. Rounds repeat while a plan still
// has changes that apply carries out (a few records of the messy seeds fail on purpose: those stay as changes,
// and the result says how many).
import type { Config, ZendeskInstance } from '../model/config.js';
import type { SandboxSeed, ZendeskSeed } from '../model/seed.js';
import type { Summary } from '../model/plan.js';
import { loadConfigOrThrow } from '../config/index.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { createPlan, planFailed } from '../services/plan.js';
import { runApply } from '../services/apply.js';
import { startSandbox } from '../sandbox/server.js';
import { createTransportPool } from '../zendesk/pool.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { createZendeskWriter } from '../zendesk/writer.js';

export interface SteadyOptions {
  /** the sync.yaml whose syncs are applied (its URLs from SF_LOGIN_URL / ZD_URL, its tokens from SF_ACCESS_TOKEN / ZD_API_TOKEN) */
  config: string;
  /** plan + apply rounds at most (default 3) */
  rounds?: number;
  /** one line per step */
  log?: (line: string) => void;
}

export interface SteadyResult {
  seed: SandboxSeed;
  /** what each round's apply did */
  rounds: { planned: Summary; added: number; changed: number; destroyed: number; failed: number }[];
  /** the changes a full plan still has over the steady seed (0, 0, 0 when it is "No changes") */
  remaining: Summary;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** The seed as a completed first sync (plan + apply --allow-delete --force) over it leaves it. */
export async function steadySeed(seed: SandboxSeed, options: SteadyOptions): Promise<SteadyResult> {
  const log = options.log ?? (() => undefined);
  const sandbox = await startSandbox({ seed, port: 0, rateLimitPerMinute: 1_000_000_000, incrementalRateLimitPerMinute: 1_000_000 });
  try {
    const env = { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'steady', ZD_API_TOKEN: 'steady' };
    const config: Config = await loadConfigOrThrow({ file: options.config, env });
    const rounds: SteadyResult['rounds'] = [];
    let remaining: Summary = { create: 0, update: 0, delete: 0 };
    for (let round = 1; ; round++) {
      // a new pool per round: each round is a run of its own
      const pool = createTransportPool();
      const target = createZendeskReader({ transportFactory: pool.get });
      const plan = await createPlan({ config, source: createSalesforceReader(), target });
      if (planFailed(plan)) throw new Error(`steady seed: the plan failed: ${plan.syncs.map((s) => s.error).filter(Boolean).join('; ')}`);
      remaining = plan.summary;
      const total = plan.summary.create + plan.summary.update + plan.summary.delete;
      log(`steady seed, round ${round}: ${plan.summary.create} to add, ${plan.summary.update} to change, ${plan.summary.delete} to destroy`);
      const last = rounds.at(-1);
      // done: nothing to do, no round left, or the last apply carried nothing out (what is left fails every time)
      if (total === 0 || round > (options.rounds ?? 3) || (last && last.added + last.changed + last.destroyed === 0)) break;
      const writerFor = (instance: ZendeskInstance) => createZendeskWriter(instance, { transport: pool.get(instance), pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: tick });
      const result = await runApply({ config, plan, writerFor, target, allowDelete: true, force: true });
      rounds.push({ planned: plan.summary, added: result.added, changed: result.changed, destroyed: result.destroyed, failed: result.failures.length });
      log(`steady seed, round ${round}: applied ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed, ${result.failures.length} failed`);
    }
    const state = sandbox.state();
    return { seed: { ...seed, zendesk: zendeskPart(seed.zendesk, state.zendesk) }, rounds, remaining };
  } finally {
    await sandbox.close();
  }
}

/** the seed's Zendesk part with the records and fields of `state` (its settings, tickets, limits kept), slimmed */
function zendeskPart(seed: ZendeskSeed | undefined, state: ZendeskSeed | undefined): ZendeskSeed {
  const s = state ?? {};
  return {
    ...(seed ?? {}),
    // the records' timestamps, left out of each record: when the first sync ran (not when the seed is loaded)
    records_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    organizations: (s.organizations ?? []).map((o) => slim(o, ORG_KEYS)),
    users: (s.users ?? []).map((u) => slim(u, USER_KEYS)),
    organization_memberships: (s.organization_memberships ?? []).map((m) => ({ id: m.id, user_id: m.user_id, organization_id: m.organization_id, ...(m.default === true ? { default: true } : {}) })),
    organization_fields: s.organization_fields ?? seed?.organization_fields,
    user_fields: s.user_fields ?? seed?.user_fields,
  };
}

// What a record keeps in the seed: the attributes zdsf reads and writes; the rest (url, timestamps, agent
// settings, values equal to the sandbox's defaults, unset custom fields) the sandbox fills in when it loads the
// seed. Whole records made the 100k/500k seed 844 MB, more than a JavaScript string holds (the seed loader reads
// the file as one); slimmed it is under 500 MB.
const USER_KEYS = ['id', 'name', 'email', 'role', 'verified', 'external_id', 'tags', 'phone', 'notes', 'details', 'user_fields', 'organization_id', 'suspended', 'active'];
const ORG_KEYS = ['id', 'name', 'external_id', 'domain_names', 'notes', 'details', 'tags', 'organization_fields', 'group_id', 'shared_tickets', 'shared_comments'];
const DEFAULTS: Record<string, unknown> = { suspended: false, active: true, phone: null, notes: null, details: null, external_id: null, group_id: null, shared_tickets: false, shared_comments: false };

function slim<T extends object>(record: T, keys: string[]): T {
  const r = record as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!(k in r)) continue;
    let v = r[k];
    if (k in DEFAULTS && v === DEFAULTS[k]) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (k === 'user_fields' || k === 'organization_fields') {
      v = Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).filter(([, x]) => x !== null));
      if (Object.keys(v as object).length === 0) continue;
    }
    out[k] = v;
  }
  return out as T;
}
