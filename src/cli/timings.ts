// --timings for plan and apply: the phases of a run, each one's wall and CPU time, printed to stderr at the
// end. The readers are timed by wrapping the adapters; map reports itself (src/util/timings.ts `measure`);
// what plan does after map (reconcile, the estimate) is the span from map's end to the next read or the end.
import { Flags } from '@oclif/core';
import type { Adapters } from '../services/adapters.js';
import { setAmbientTimings, Timings } from '../util/timings.js';

export const timingsFlag = Flags.boolean({ summary: "Print each phase's wall and CPU time to stderr at the end." });

export interface RunTimings {
  /** the adapters, with their reads timed when enabled */
  adapters: Adapters;
  /** runs `fn` as a phase when enabled */
  time<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** prints the phases to stderr (when enabled) and stops recording */
  report(stream?: NodeJS.WritableStream): void;
}

export function startTimings(enabled: boolean, adapters: Adapters): RunTimings {
  if (!enabled) return { adapters, time: (_name, fn) => fn(), report: () => undefined };
  const timings = new Timings();
  const previous = setAmbientTimings(timings);
  let afterMap: (() => void) | undefined;
  const endAfterMap = (): void => {
    afterMap?.();
    afterMap = undefined;
  };
  timings.onEnd((phase) => {
    const m = /^map \((.*)\)$/.exec(phase.name);
    if (m) afterMap = timings.begin(`reconcile, estimate (${m[1]})`);
  });
  const timed: Adapters = {
    // the run's transports and the Salesforce reader, for the incremental readers (one budget per instance)
    ...adapters,
    source: {
      read: (options) => {
        endAfterMap();
        return timings.time(`read Salesforce (${options.sync.name})`, () => adapters.source.read(options));
      },
      // offboarding's look-up of the Ids of users that left the sync (issue 17)
      ...(adapters.source.lookupPeople
        ? { lookupPeople: (options, lookup) => timings.time(`look up people that left (${options.sync.name})`, () => adapters.source.lookupPeople!(options, lookup)) }
        : {}),
    },
    target: {
      read: (options) => {
        endAfterMap();
        return timings.time(`read Zendesk (${options.instance.name})`, () => adapters.target.read(options));
      },
      // retention's ticket counts (issue 17), inside the reconcile phase (so timed as a phase of their own that overlaps it)
      ...(adapters.target.ticketActivity
        ? { ticketActivity: (options) => timings.time(`read Zendesk tickets (${options.instance.name})`, () => adapters.target.ticketActivity!(options)) }
        : {}),
      // field management's permission check (issue 17): one request, not timed apart
      ...(adapters.target.currentUser ? { currentUser: adapters.target.currentUser.bind(adapters.target) } : {}),
    },
    writerFor: adapters.writerFor,
    ...(adapters.salesforceWriterFor ? { salesforceWriterFor: adapters.salesforceWriterFor } : {}),
    ...(adapters.ticketsFor ? { ticketsFor: adapters.ticketsFor } : {}),
  };
  return {
    adapters: timed,
    time: (name, fn) => {
      // what follows map ends where the next phase starts (and at the end of this one, for phases around plan)
      endAfterMap();
      return timings.time(name, async () => {
        try {
          return await fn();
        } finally {
          endAfterMap();
        }
      });
    },
    report(stream = process.stderr) {
      endAfterMap();
      setAmbientTimings(previous);
      stream.write(timings.format());
    },
  };
}
