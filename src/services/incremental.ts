// Wires incremental plans (issue 13) into plan: with a state directory (--state DIR or `state:` in sync.yaml) the
// readers are the snapshot-backed decorators of src/state/incremental.ts; without one, the live adapters as they are.
// The decorators read through the run's live adapters (src/services/adapters.ts): the full reads are the live
// readers' reads, and the incremental exports and membership reads go out on the run's transport for the instance,
// so every Zendesk request of plan (and of apply after it, in one run) draws on one request budget.
import { resolve } from 'node:path';
import type { Config } from '../model/config.js';
import type { Logger, SourceReader, TargetReader } from '../model/ports.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { incrementalReaders } from '../state/incremental.js';
import { createPlanCache, type PlanCache } from '../state/plan-cache.js';
import { ZdsfError } from '../util/errors.js';
import { ZendeskTransport } from '../zendesk/transport.js';
import type { Adapters } from './adapters.js';

export interface PlanReadersOptions {
  config: Config;
  /** --state DIR (relative to the working directory) */
  state?: string;
  /** --refresh */
  refresh?: boolean;
  logger?: Logger;
  /** where the one line per read goes (which read, and why) */
  say: (line: string) => void;
}

/** The readers plan uses: incremental when a state directory is configured, else `live`'s. */
export function planReaders(
  live: Pick<Adapters, 'source' | 'target' | 'transportFor' | 'salesforce'>,
  options: PlanReadersOptions,
): { source: SourceReader; target: TargetReader; stateDir?: string; planCache?: PlanCache } {
  const dir = options.state !== undefined ? resolve(options.state) : options.config.state?.dir;
  if (dir === undefined) {
    if (options.refresh) throw new ZdsfError('--refresh needs a state directory: pass --state DIR or add `state:` to the config.', 'usage');
    return { source: live.source, target: live.target };
  }
  // adapters without the run's transports (fakes) get a transport per read, as before
  const transportFor = live.transportFor ?? ((instance, logger) => new ZendeskTransport(instance, { logger: logger ?? options.logger }));
  const salesforce = live.salesforce ?? createSalesforceReader();
  const readers = incrementalReaders({
    dir,
    refresh: options.refresh === true,
    refreshEveryMs: options.config.state?.refresh_every_ms,
    source: salesforce,
    target: live.target,
    zendesk: { transportFor: (o) => transportFor(o.instance, o.logger ?? options.logger) },
    say: options.say,
  });
  // retention's ticket counts (issue 17) are live reads whatever the snapshot: pass them through
  const ticketActivity = live.target.ticketActivity?.bind(live.target);
  // so are offboarding's look-ups (issue 17): who zdsf signs in as, and the Salesforce Ids of users that left
  const currentUser = live.target.currentUser?.bind(live.target);
  const lookupPeople = live.source.lookupPeople?.bind(live.source);
  const target = { ...readers.target, ...(ticketActivity ? { ticketActivity } : {}), ...(currentUser ? { currentUser } : {}) };
  // the last plan of an unchanged world (src/state/plan-cache.ts); with --refresh the reads are full, so it is
  // computed again (and kept for the next run)
  const planCache = createPlanCache(readers, salesforce);
  return { source: lookupPeople ? { ...readers.source, lookupPeople } : readers.source, target, stateDir: dir, planCache };
}
