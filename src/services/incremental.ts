// Wires incremental plans (issue 13) into plan: with a state directory (--state DIR or `state:` in sync.yaml) the
// readers are the snapshot-backed decorators of src/state/incremental.ts; without one, the live adapters as they are.
import { resolve } from 'node:path';
import type { Config } from '../model/config.js';
import type { Logger, SourceReader, TargetReader } from '../model/ports.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { incrementalReaders } from '../state/incremental.js';
import { ZdsfError } from '../util/errors.js';
import { createZendeskReader } from '../zendesk/reader.js';
import { ZendeskTransport } from '../zendesk/transport.js';

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

/** The readers plan uses: incremental when a state directory is configured, else `live`. */
export function planReaders(live: { source: SourceReader; target: TargetReader }, options: PlanReadersOptions): { source: SourceReader; target: TargetReader; stateDir?: string } {
  const dir = options.state !== undefined ? resolve(options.state) : options.config.state?.dir;
  if (dir === undefined) {
    if (options.refresh) throw new ZdsfError('--refresh needs a state directory: pass --state DIR or add `state:` to the config.', 'usage');
    return live;
  }
  const readers = incrementalReaders({
    dir,
    refresh: options.refresh === true,
    refreshEveryMs: options.config.state?.refresh_every_ms,
    source: createSalesforceReader(),
    target: createZendeskReader({ logger: options.logger }),
    zendesk: { transportFor: (o) => new ZendeskTransport(o.instance, { logger: options.logger ?? o.logger }) },
    say: options.say,
  });
  // retention's ticket counts (issue 17) are live reads whatever the snapshot: pass them through
  const ticketActivity = live.target.ticketActivity?.bind(live.target);
  // and so is the permission check of field management (issue 17)
  const currentUser = live.target.currentUser?.bind(live.target);
  return {
    source: readers.source,
    target: { ...readers.target, ...(ticketActivity ? { ticketActivity } : {}), ...(currentUser ? { currentUser } : {}) },
    stateDir: dir,
  };
}
