// SOQL date values: field values and literals as epoch-millisecond ranges [start, end).
// The sandbox's user time zone is UTC, weeks start on Sunday (en_US) and the fiscal year is the
// calendar year (Salesforce's default), so FISCAL literals equal their calendar counterparts.

export type Range = [number, number];

const DAY = 86_400_000;

/** 'YYYY-MM-DD' -> midnight UTC; a datetime string -> its instant; undefined when not a date. */
export function toEpoch(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  }
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normalised);
  return Number.isNaN(t) ? undefined : t;
}

/** A DATE literal (2024-01-31) is the whole day; a DATETIME literal is one instant. */
export function literalRange(literalType: 'DATE' | 'DATETIME', value: string): Range | undefined {
  const t = toEpoch(value);
  if (t === undefined) return undefined;
  return literalType === 'DATE' ? [t, t + DAY] : [t, t + 1];
}

function month(y: number, m: number): number {
  return Date.UTC(y, m, 1);
}

/**
 * The range a date literal (TODAY, LAST_N_DAYS:n ...) covers at `now`. Returns undefined for a name
 * the sandbox does not know.
 */
export function dateLiteralRange(name: string, n: number | undefined, now: Date): Range | undefined {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const today = Date.UTC(y, m, now.getUTCDate());
  const week = today - now.getUTCDay() * DAY;
  const q = Math.floor(m / 3) * 3;
  const k = n ?? 0;
  const key = name.toUpperCase().replace('_FISCAL_', '_');
  switch (key) {
    case 'YESTERDAY':
      return [today - DAY, today];
    case 'TODAY':
      return [today, today + DAY];
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY];
    case 'LAST_WEEK':
      return [week - 7 * DAY, week];
    case 'THIS_WEEK':
      return [week, week + 7 * DAY];
    case 'NEXT_WEEK':
      return [week + 7 * DAY, week + 14 * DAY];
    case 'LAST_MONTH':
      return [month(y, m - 1), month(y, m)];
    case 'THIS_MONTH':
      return [month(y, m), month(y, m + 1)];
    case 'NEXT_MONTH':
      return [month(y, m + 1), month(y, m + 2)];
    case 'LAST_90_DAYS':
      return [today - 90 * DAY, today + DAY];
    case 'NEXT_90_DAYS':
      return [today + DAY, today + 91 * DAY];
    case 'LAST_QUARTER':
      return [month(y, q - 3), month(y, q)];
    case 'THIS_QUARTER':
      return [month(y, q), month(y, q + 3)];
    case 'NEXT_QUARTER':
      return [month(y, q + 3), month(y, q + 6)];
    case 'LAST_YEAR':
      return [month(y - 1, 0), month(y, 0)];
    case 'THIS_YEAR':
      return [month(y, 0), month(y + 1, 0)];
    case 'NEXT_YEAR':
      return [month(y + 1, 0), month(y + 2, 0)];
    // n literals: LAST_N_* covers the n units before the current one (LAST_N_DAYS includes today),
    // NEXT_N_* the n units after the current one, N_*_AGO the single unit n units ago.
    case 'LAST_N_DAYS':
      return [today - k * DAY, today + DAY];
    case 'NEXT_N_DAYS':
      return [today + DAY, today + (k + 1) * DAY];
    case 'N_DAYS_AGO':
      return [today - k * DAY, today - (k - 1) * DAY];
    case 'LAST_N_WEEKS':
      return [week - 7 * k * DAY, week];
    case 'NEXT_N_WEEKS':
      return [week + 7 * DAY, week + 7 * (k + 1) * DAY];
    case 'N_WEEKS_AGO':
      return [week - 7 * k * DAY, week - 7 * (k - 1) * DAY];
    case 'LAST_N_MONTHS':
      return [month(y, m - k), month(y, m)];
    case 'NEXT_N_MONTHS':
      return [month(y, m + 1), month(y, m + 1 + k)];
    case 'N_MONTHS_AGO':
      return [month(y, m - k), month(y, m - k + 1)];
    case 'LAST_N_QUARTERS':
      return [month(y, q - 3 * k), month(y, q)];
    case 'NEXT_N_QUARTERS':
      return [month(y, q + 3), month(y, q + 3 + 3 * k)];
    case 'N_QUARTERS_AGO':
      return [month(y, q - 3 * k), month(y, q - 3 * k + 3)];
    case 'LAST_N_YEARS':
      return [month(y - k, 0), month(y, 0)];
    case 'NEXT_N_YEARS':
      return [month(y + 1, 0), month(y + 1 + k, 0)];
    case 'N_YEARS_AGO':
      return [month(y - k, 0), month(y - k + 1, 0)];
    default:
      return undefined;
  }
}
