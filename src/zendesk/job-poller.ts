// Following Zendesk's background jobs (issue 12). Every job in flight is followed by one poller: each round asks
// for all of them at once, `GET /job_statuses/show_many?ids=...` (up to 100 ids a request), instead of one
// `GET /job_statuses/{id}` per job. With 25 jobs in flight that is one poll a round instead of 25, so the
// instance's budget goes to writes. A round with a single job pending asks `job_statuses/{id}` (what Zendesk
// documents for one job, and a 404 says it is gone).
//
// Cadence: the first round comes `intervalMs` after a job is queued; while rounds see no job move, the wait
// grows 1.5x up to `maxIntervalMs`; any progress, or a new job, brings it back to `intervalMs`. The writer
// derives `intervalMs` from the budget (a small share of it goes to polls) unless it is configured.
//
// Failures: a round that fails (after the transport's own retries) is retried at the next round; a job is
// given up, its promise rejected with the error, after `maxFailures` failed rounds in a row, or at once when
// the error is final (`final`: the job is gone, the credentials are refused). A job not done after `timeoutMs` resolves with the status
// "timeout" (the writer reports its records as of unknown outcome).
export interface PolledJob {
  id: string;
  status: string;
  [k: string]: unknown;
}

export interface JobPollerOptions<J extends PolledJob> {
  /** GET /job_statuses/{id}: the job's status, or null when the answer holds none */
  one: (id: string) => Promise<J | null>;
  /** GET /job_statuses/show_many?ids=: the statuses Zendesk knows of (missing ids are not in the list) */
  many: (ids: string[]) => Promise<J[]>;
  isDone: (job: J) => boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** the wait before a round (ms); read at every round */
  intervalMs: () => number;
  maxIntervalMs: number;
  timeoutMs: number;
  /** failed rounds in a row before a job is given up (default 3) */
  maxFailures?: number;
  /** errors that give a job up at once, not after `maxFailures` rounds (a 404: the job is gone; a 401) */
  final?: (err: unknown) => boolean;
  /** what to throw for a job Zendesk does not list in a show_many answer */
  missing: (id: string) => Error;
}

interface Pending<J> {
  job: J;
  started: number;
  failures: number;
  resolve: (job: J) => void;
  reject: (err: unknown) => void;
}

/** Zendesk answers at most 100 ids a show_many request. */
export const SHOW_MANY_LIMIT = 100;

export class JobPoller<J extends PolledJob> {
  private readonly pending = new Map<string, Pending<J>>();
  private running = false;
  /** set when a job is queued: the next wait goes back to the base interval */
  private fresh = false;
  private readonly maxFailures: number;
  /** rounds and requests sent (for tests and figures) */
  rounds = 0;
  requests = 0;

  constructor(private readonly options: JobPollerOptions<J>) {
    this.maxFailures = Math.max(1, options.maxFailures ?? 3);
  }

  /** Resolves with the job's terminal status (or status "timeout"); rejects when it cannot be followed. */
  follow(first: J): Promise<J> {
    if (this.options.isDone(first)) return Promise.resolve(first);
    return new Promise<J>((resolve, reject) => {
      this.pending.set(first.id, { job: first, started: this.options.now(), failures: 0, resolve, reject });
      this.fresh = true;
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    let wait = this.options.intervalMs();
    try {
      while (this.pending.size > 0) {
        this.fresh = false;
        await this.options.sleep(wait);
        const moved = await this.round();
        wait = moved || this.fresh ? this.options.intervalMs() : Math.min(this.options.maxIntervalMs, Math.round(wait * 1.5));
      }
    } finally {
      this.running = false;
    }
  }

  /** One round over every pending job; whether any of them moved (or ended). */
  private async round(): Promise<boolean> {
    this.rounds++;
    let moved = false;
    const now = this.options.now();
    for (const [id, p] of this.pending) {
      if (now - p.started > this.options.timeoutMs) {
        this.pending.delete(id);
        p.resolve({ ...p.job, status: 'timeout' });
        moved = true;
      }
    }
    const ids = [...this.pending.keys()];
    for (let i = 0; i < ids.length; i += SHOW_MANY_LIMIT) {
      const group = ids.slice(i, i + SHOW_MANY_LIMIT);
      let answers: (J | null)[];
      try {
        this.requests++;
        answers = group.length === 1 ? [await this.options.one(group[0])] : await this.byId(group);
      } catch (err) {
        for (const id of group) moved = this.failed(id, err) || moved;
        continue;
      }
      group.forEach((id, k) => {
        const p = this.pending.get(id);
        if (!p) return;
        const next = answers[k];
        if (!next) {
          moved = this.failed(id, this.options.missing(id)) || moved;
          return;
        }
        p.failures = 0;
        if (next.status !== p.job.status || next.progress !== p.job.progress) moved = true;
        p.job = next;
        if (this.options.isDone(next)) {
          this.pending.delete(id);
          p.resolve(next);
          moved = true;
        }
      });
    }
    return moved;
  }

  private async byId(group: string[]): Promise<(J | null)[]> {
    const list = await this.options.many(group);
    const found = new Map(list.map((j) => [String(j.id), j]));
    return group.map((id) => found.get(id) ?? null);
  }

  /** Counts a failed round against a job; whether the job was given up. */
  private failed(id: string, err: unknown): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    p.failures++;
    if (p.failures < this.maxFailures && !this.options.final?.(err)) return false;
    this.pending.delete(id);
    p.reject(err);
    return true;
  }
}
