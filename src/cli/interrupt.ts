// SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job) during apply (issue 14): the first signal stops new batches
// while the requests in flight finish (bounded by `graceMs`), then the command prints what was done and how to
// resume, and exits 130 (SIGINT) or 143 (SIGTERM). A second signal, or the grace period running out, exits at
// once with a shorter note.

export interface Interrupt {
  /** true once a signal arrived: pass as apply's shouldStop */
  readonly requested: () => boolean;
  /** the signal received, if any */
  readonly signal: () => NodeJS.Signals | undefined;
  /** 130 for SIGINT, 143 for SIGTERM */
  readonly exitCode: () => number;
  dispose(): void;
}

export interface InterruptOptions {
  /** how long the requests in flight may take to finish after the first signal (default 30 s) */
  graceMs?: number;
  write?: (text: string) => void;
  /** what to say when exiting before apply returned (how to find out what was done) */
  resumeHint: string;
  /** runs before a forced exit (e.g. releasing the apply lock) */
  onForcedExit?: () => void;
}

export const exitCodeOf = (signal: NodeJS.Signals | undefined): number => (signal === 'SIGTERM' ? 143 : 130);

export function installInterrupt(options: InterruptOptions): Interrupt {
  const write = options.write ?? ((t: string) => void process.stderr.write(t));
  let received: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;
  const forced = (why: string): void => {
    write(`\n${why} ${options.resumeHint}\n`);
    options.onForcedExit?.();
    process.exit(exitCodeOf(received));
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      forced(`Second ${signal}: stopping now, without waiting for the requests in flight.`);
      return;
    }
    received = signal;
    const grace = options.graceMs ?? 30_000;
    write(
      `\n${signal} received: sending no new batches; waiting up to ${Math.round(grace / 1000)} s for the requests in flight ` +
        `(${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} stops at once).\n`,
    );
    timer = setTimeout(() => forced(`The requests in flight did not finish within ${Math.round(grace / 1000)} s: stopping now.`), grace);
    timer.unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => received !== undefined,
    signal: () => received,
    exitCode: () => exitCodeOf(received),
    dispose() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** What an interrupted apply did, and how to go on. */
export function interruptSummary(
  signal: NodeJS.Signals,
  result: { added: number; changed: number; destroyed: number; skipped: number; syncs: { notAttempted: number }[] },
  resume: string,
): string {
  const notAttempted = result.syncs.reduce((n, s) => n + s.notAttempted, 0);
  return (
    `Interrupted by ${signal}: ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed by this apply` +
    `${result.skipped ? ` (${result.skipped} were already done)` : ''}; ${notAttempted} change${notAttempted === 1 ? '' : 's'} not attempted.\n` +
    `To finish: ${resume}\n`
  );
}
