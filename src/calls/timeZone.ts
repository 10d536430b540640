/**
 * Which calendar day a call falls on: in the site's time zone, from the record's `Site timezone`
 * (its offset from UTC in minutes), or in one time zone set for every record (CALLS_TIMEZONE, an
 * IANA name such as `Europe/Paris`, daylight saving time included), or in UTC when neither is known.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Real offsets lie between UTC−12:00 and UTC+14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * A `Site timezone` value as minutes east of UTC: `-480`, `+60`, `0`; `+01:00`/`-0800` too. Undefined
 * when blank or unreadable.
 */
export function parseSiteTimezone(value: string): number | undefined {
  const text = value.trim();
  let minutes: number;
  if (/^[+-]?\d{1,4}$/.test(text)) minutes = Number(text);
  else {
    const hhmm = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})$/i.exec(text);
    if (!hhmm) return undefined;
    minutes = (hhmm[1] === '-' ? -1 : 1) * (Number(hhmm[2]) * 60 + Number(hhmm[3]));
  }
  return Math.abs(minutes) <= MAX_OFFSET_MINUTES ? minutes : undefined;
}

/** `UTC+01:00`, `UTC−08:00`, `UTC`. */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes < 0 ? '\u2212' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The offset of an IANA time zone at an instant, in minutes, worked out once per hour of time. */
export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  at(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const part of this.format.formatToParts(hour * HOUR_MS)) parts[part.type] = Number(part.value);
      const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
      offset = Math.round((local - hour * HOUR_MS) / 60_000);
      this.byHour.set(hour, offset);
    }
    return offset;
  }
}

/** The day number (days since 1970-01-01) of an instant at an offset. */
export function dayNumber(ms: number, offsetMinutes: number): number {
  return Math.floor((ms + offsetMinutes * 60_000) / DAY_MS);
}

/** `2026-03-02` for a day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
