// zdsf's record of when it suspended a user (issue 17, offboarding): a tag on the user, `zdsf_suspended_YYYYMMDD`
// (UTC date), written in the same users/update_many request as `suspended: true`. Why a tag and not the
// snapshot or a user field: it lives in Zendesk with the user (every machine that plans sees it, a lost state
// directory loses nothing), it needs no user field set up in the instance, and it tells zdsf's suspensions
// from a person's: a user suspended by hand carries no marker, and zdsf never deletes it. Pure.

export const SUSPENDED_TAG_PREFIX = 'zdsf_suspended_';
const DAY_MS = 86_400_000;

/** `zdsf_suspended_20261201` for a suspension on that UTC day. */
export function suspendedTag(at: Date): string {
  return `${SUSPENDED_TAG_PREFIX}${at.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

export function isSuspendedTag(tag: string): boolean {
  return /^zdsf_suspended_\d{8}$/.test(tag);
}

/** The (latest) day zdsf's marker says it suspended the user, or null when it carries none. */
export function suspendedOn(tags: readonly string[] | null | undefined): Date | null {
  let latest: Date | null = null;
  for (const t of tags ?? []) {
    if (!isSuspendedTag(t)) continue;
    const d = t.slice(SUSPENDED_TAG_PREFIX.length);
    const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) continue;
    if (!latest || date > latest) latest = date;
  }
  return latest;
}

/** The day a user zdsf suspended on `on` may be deleted: `on` + after_days. */
export function deleteDue(on: Date, afterDays: number): Date {
  return new Date(on.getTime() + afterDays * DAY_MS);
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
