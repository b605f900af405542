// Wires the cases pipeline to the real adapters for a sync of a loaded config (the sandbox tests' set-up).
import { Connection } from 'jsforce';
import { applyCases, contactsByEmail, planCases, writtenFields, type CasePlan, type CaseTarget } from '../../src/cases/pipeline.js';
import type { Config } from '../../src/model/config.js';
import { SalesforceCaseAdapter, type CaseWriterOptions } from '../../src/salesforce/case-writer.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { ZendeskTransport } from '../../src/zendesk/transport.js';
import { readTicketExport, type TicketExportStart } from '../../src/zendesk/tickets.js';

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** A clock that moves only when slept on (so the export's pacing costs no real time). */
export function virtualClock(start = Date.parse('2026-12-01T12:00:00Z')): Clock {
  let t = start;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

export function casesRun(config: Config, syncName: string, clock: Clock) {
  const sync = config.syncs.find((s) => s.name === syncName);
  if (!sync?.cases) throw new Error(`sync ${syncName} has no cases section`);
  const cases = sync.cases;
  const sf = config.salesforce[sync.from];
  const target = (options: CaseWriterOptions = {}): SalesforceCaseAdapter => {
    const url = sf.auth.method === 'access_token' ? (sf.auth.instance_url ?? sf.login_url) : sf.login_url;
    const conn = new Connection({ instanceUrl: url, accessToken: 'sandbox-token', version: sf.api_version, logLevel: 'NONE' });
    return new SalesforceCaseAdapter(conn, sf, { sleep: clock.sleep, ...options });
  };
  return {
    target,
    async plan(start?: TicketExportStart, salesforce: CaseTarget = target()): Promise<CasePlan> {
      const people = sync.users && cases.contact ? (await createSalesforceReader().read({ instance: sf, sync })).people : [];
      const transport = new ZendeskTransport(config.zendesk[sync.to], { now: clock.now, sleep: clock.sleep, random: () => 0.5 });
      return planCases(
        { syncName, cases, instanceName: sync.from, contactsByEmail: contactsByEmail(people, sync.users?.email ?? 'Email'), start },
        { tickets: (s) => readTicketExport(transport, { start: s, now: clock.now, sleep: clock.sleep }), salesforce },
      );
    },
    apply: (p: CasePlan, salesforce: CaseTarget = target()) => applyCases(p, salesforce, { fields: writtenFields(cases) }),
  };
}
