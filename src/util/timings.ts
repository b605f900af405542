// Phase timings: each phase's wall time and the process's CPU time (user + system, process.cpuUsage) over
// it. `zdsf plan --timings` / `zdsf apply --timings` print them to stderr; `npm run bench -- --json` reports
// them. Phases that run at the same time (plan reads Salesforce and Zendesk at once) each show the whole
// process's CPU over their own span, so their CPU figures overlap.
//
// Pure code (map) marks its phase through the ambient recorder (`measure`), so that the services in between
// need not pass a recorder along; nothing is recorded unless a command or the bench installed one.

export interface PhaseTiming {
  name: string;
  wallMs: number;
  cpuMs: number;
  /** when the phase started, ms after the recorder was made */
  startMs: number;
}

export interface Clock {
  /** wall clock, ms (default performance.now) */
  wall: () => number;
  /** CPU of the process so far, ms (default process.cpuUsage user + system) */
  cpu: () => number;
}

const realClock: Clock = {
  wall: () => performance.now(),
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
};

export class Timings {
  readonly phases: PhaseTiming[] = [];
  private readonly clock: Clock;
  private readonly origin: number;
  private readonly listeners: ((phase: PhaseTiming) => void)[] = [];

  constructor(clock: Clock = realClock) {
    this.clock = clock;
    this.origin = clock.wall();
  }

  /** starts a phase; call the result when it ends */
  begin(name: string): () => PhaseTiming {
    const wall = this.clock.wall();
    const cpu = this.clock.cpu();
    let ended: PhaseTiming | undefined;
    return () => {
      if (!ended) {
        ended = { name, wallMs: this.clock.wall() - wall, cpuMs: this.clock.cpu() - cpu, startMs: wall - this.origin };
        this.phases.push(ended);
        for (const l of this.listeners) l(ended);
      }
      return ended;
    };
  }

  /** called with every phase as it ends */
  onEnd(listener: (phase: PhaseTiming) => void): void {
    this.listeners.push(listener);
  }

  /** runs `fn` as a phase (sync or async) */
  time<T>(name: string, fn: () => T): T {
    const end = this.begin(name);
    let out: T;
    try {
      out = fn();
    } catch (err) {
      end();
      throw err;
    }
    if (out instanceof Promise) return out.finally(end) as T;
    end();
    return out;
  }

  /** `Timings (wall / CPU):` and one line a phase, in the order they started */
  format(): string {
    const rows = [...this.phases].sort((a, b) => a.startMs - b.startMs);
    const width = Math.max(0, ...rows.map((p) => p.name.length));
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    const lines = rows.map((p) => `  ${p.name.padEnd(width)}  ${s(p.wallMs).padStart(9)} wall  ${s(p.cpuMs).padStart(9)} CPU`);
    return `Timings (wall, CPU of the process over each phase; phases at the same time overlap):\n${lines.join('\n')}\n`;
  }
}

let ambient: Timings | undefined;

/** Installs the recorder that `measure` reports to (undefined: none); returns the previous one. */
export function setAmbientTimings(timings: Timings | undefined): Timings | undefined {
  const previous = ambient;
  ambient = timings;
  return previous;
}

/** runs `fn` as a phase of the ambient recorder, or just runs it when none is installed */
export function measure<T>(name: string, fn: () => T): T {
  return ambient ? ambient.time(name, fn) : fn();
}
