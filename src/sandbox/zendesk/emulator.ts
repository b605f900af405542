// A stateful emulator of the parts of the Zendesk Support API that zdsf uses (DESIGN.md section 7).
// Records have the shapes of Zendesk's OpenAPI description ("Support API" 2.0.0) and of
// https://developer.zendesk.com/api-reference/ticketing/introduction/ ; where the sandbox differs from the
// real service on purpose, a comment says so and README.md lists it.
// This file wires the parts together: store.ts (records + indexes), load.ts (seeds), organizations.ts,
// users.ts, memberships.ts (resource rules + endpoints), fields.ts (custom field definitions), jobs.ts (bulk
// jobs), paging.ts, router.ts.
import type { Emulator } from '../http.js';
import type { ZendeskSeed } from '../../model/seed.js';
import type { ZdFieldDef } from '../../model/zendesk.js';
import { JobEngine } from './jobs.js';
import { loadSeed } from './load.js';
import { membershipRoutes } from './memberships.js';
import { organizationRoutes } from './organizations.js';
import { clone } from './records.js';
import { json } from './responses.js';
import { Router } from './router.js';
import { sortById, ZendeskStore } from './store.js';
import { userRoutes } from './users.js';
import { fieldRoutes } from './fields.js';
import { registerIncremental } from './incremental.js';

export interface ZendeskEmulatorOptions {
  /** This instance's base URL without `/api/v2` (e.g. `http://127.0.0.1:4010` or `http://127.0.0.1:4010/zendesk/fed`);
   * used for `url` attributes, `links.next`, `next_page` and job status URLs. */
  baseUrl: () => string;
  /** With it, a job is `queued` for the first half of this many milliseconds, `working` for the second half, then
   * `completed` (its writes land then, seen by any request). Without it, a job moves one step each time it is
   * polled: queued -> working -> completed (deterministic for tests). */
  jobDelayMs?: number;
  /** clock, for tests */
  now?: () => number;
  /** requests a minute to the incremental exports (default 10, as Zendesk; 30 with High Volume) */
  incrementalRateLimitPerMinute?: number;
}

export interface ZendeskEmulatorInfo {
  /** users created without `verified: true` or `skip_verify_email: true`: real Zendesk would have mailed them */
  welcome_emails_sent: number;
  jobs_created: number;
  jobs_pending: number;
}

export interface ZendeskEmulator extends Emulator<ZendeskSeed> {
  info(): ZendeskEmulatorInfo;
  /** completes every pending job, in the order they were queued */
  settle(): void;
}

export function createZendeskEmulator(seed: ZendeskSeed | undefined, options: ZendeskEmulatorOptions): ZendeskEmulator {
  const now = options.now ?? (() => Date.now());
  let original: ZendeskSeed = clone(seed ?? {});
  const store = new ZendeskStore({ baseUrl: options.baseUrl, now });
  const jobs = new JobEngine({ base: () => store.base(), now, jobDelayMs: options.jobDelayMs });
  const router = new Router({ before: () => jobs.settleDue(), credentials: () => store.credentials });

  organizationRoutes(router, store, jobs);
  userRoutes(router, store, jobs);
  membershipRoutes(router, store, jobs);
  fieldRoutes(router, store);
  jobs.routes(router);
  router.on('GET', 'account/settings', () => json(200, { settings: clone(store.settings) }));
  registerIncremental((method, pattern, handler) => router.on(method, pattern, handler), {
    tracker: store.tracker,
    now,
    base: () => store.base(),
    organizations: () => store.orgs.values(),
    users: () => store.users.values(),
    orgOut: (o) => store.orgOut(o),
    userOut: (u) => store.userOut(u),
    rateLimitPerMinute: options.incrementalRateLimitPerMinute,
  });

  const load = (s: ZendeskSeed): void => {
    jobs.clear();
    // nothing a seed holds is a change for the incremental exports
    store.tracker.reset();
    store.loading = true;
    loadSeed(store, s);
    store.loading = false;
  };
  load(original);

  return {
    route: (req) => router.route(req),
    state(): ZendeskSeed {
      jobs.settle();
      return {
        organizations: sortById(store.orgs.values()).map((o) => store.orgOut(o)),
        users: sortById(store.users.values()).map((u) => store.userOut(u)),
        organization_memberships: sortById(store.memberships.values()).map((m) => store.membershipOut(m)),
        organization_fields: store.orgFields.map((f) => store.fieldOut(f) as unknown as ZdFieldDef),
        user_fields: store.userFields.map((f) => store.fieldOut(f) as unknown as ZdFieldDef),
        settings: clone(store.settings) as ZendeskSeed['settings'],
      };
    },
    reset(next?: ZendeskSeed) {
      if (next) original = clone(next);
      load(original);
    },
    info: () => ({ welcome_emails_sent: store.welcomeEmails, jobs_created: jobs.created, jobs_pending: jobs.pending() }),
    settle: () => jobs.settle(),
  };
}
