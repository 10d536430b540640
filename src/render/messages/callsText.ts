import { offsetLabel, type AcceptedExport, type AnalyseResult, type CallSummary, type CrossCheck, type DayReckoning, type UserCalls } from '../../calls/index.js';

import { formatCount, formatDateTime, percent, plural, quoted } from '../format.js';

/** The `calls` command: Webex Go calls from the Detailed Call History. */
export const CALLS_TEXT = {
  title: (webexGo: number, all: number) => `Webex Go calls: ${webexGo.toLocaleString('en-US')} of ${all.toLocaleString('en-US')}`,
  fromUpload: (filename: string | undefined, email: string | undefined) =>
    `From the attached export${filename ? ` (${filename})` : ''}` + (email ? `, calls of ${email}` : ''),
  fromApi: (start: Date, end: Date, email: string | undefined, trimmed: boolean) =>
    `From the Detailed Call History API, ${formatDateTime(start.toISOString())} to ${formatDateTime(end.toISOString())}` +
    (email ? `, calls of ${email}` : '') +
    (trimmed ? ' (trimmed to what the API keeps: from 30 days to 5 minutes ago)' : ''),
  chartCaption: 'Webex Go calls per day.',
  csvCaption: (records: number, gzipped: boolean) =>
    `The ${records.toLocaleString('en-US')} Webex Go records, columns as in the input` +
    (gzipped ? ', gzip-compressed (open it with any unzip tool, then with a spreadsheet).' : '.') +
    ' Cells that a spreadsheet would run as formulas start with an apostrophe.',
  csvFile: (records: number, filename: string, gzipped: boolean) =>
    `${plural(records, 'record')} in ${filename}${gzipped ? ' (gzip)' : ''}`,
  readingUpload: (bytes: number, size: number | undefined) =>
    `Working on it: reading the attached call history, ${megabytes(bytes)}` +
    (size ? ` of ${megabytes(size)} (${Math.floor((bytes / size) * 100)}%)…` : '…'),
  pullStarting: 'Working on it: asking the Detailed Call History API…',
  pullProgress: (window: number, windows: number, records: number) =>
    `Working on it: reading the call history, 12-hour window ${window} of ${windows}; ${plural(records, 'record')} so far…`,
  pullWaiting: (progress: string, ms: number) =>
    `${progress}\nWaiting ${Math.ceil(ms / 1000)} s: the Detailed Call History API takes 1 request a minute.`,
  personLookupFailed: (email: string, reason: string) => `I could not look up ${email} in Webex (${reason}); try again in a moment.`,
  unknownPerson: (email: string) => `Webex knows no person with the email ${email}, so I cannot pick out their calls.`,
  nothingToRead: 'Attach the Detailed Call History CSV export from Control Hub to a message saying "calls", or give a period.',
  notAPeriod: (text: string) => `"${text.slice(0, 60)}" is not a period I know.`,
  badDate: 'That date does not exist.',
  emptyRange: 'That period is empty.',
  noAdminToken:
    'To pull calls from the Detailed Call History API I need WEBEX_ADMIN_TOKEN: an admin\'s or service app\'s token with the scope ' +
    'spark-admin:calling_cdr_read, whose user has the "Webex Calling Detailed Call History API access" role. Set it in .env and restart me. ' +
    'Meanwhile, attach the Detailed Call History CSV export from Control Hub to a message saying "calls".',
  apiMissingColumns: (missing: string[]) => `the call records from the API lack ${missing.join(', ')}`,
  downloadFailed: (reason: string) => `I could not download the attached file: ${reason}. Attach it again in a moment.`,
  pullFailed: (reason: string) => `I could not read the call history: ${reason}`,
};

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---- The `calls` reply: the card's facts, the fallback text, and the answers to a refused file. ----

export interface Fact {
  title: string;
  value: string;
}

const count = formatCount;

type Period = Pick<CallSummary, 'firstDay' | 'lastDay' | 'days'>;

/** "2026-03-02 to 2026-03-08": the first and last day of the records, or "no records". */
export function periodDays(summary: Period): string {
  if (summary.firstDay === null || summary.lastDay === null) return 'no records';
  return summary.firstDay === summary.lastDay ? summary.firstDay : `${summary.firstDay} to ${summary.lastDay}`;
}

/** The time zone days are counted in, short: "UTC", "UTC−08:00", "Europe/Paris", "each site's". */
function zoneShort(days: DayReckoning): string {
  if (days.timeZone !== undefined) return days.timeZone;
  const zones = new Set(days.siteOffsets.map(offsetLabel));
  if (days.utcRecords > 0) zones.add('UTC');
  if (zones.size === 0) return 'UTC';
  return zones.size === 1 ? [...zones][0] : "each site's time zone";
}

/** "2026-03-02 to 2026-03-08 (UTC−08:00)": the period as the card, the chart and the text give it. */
export function periodText(summary: Period): string {
  const days = periodDays(summary);
  return summary.firstDay === null ? days : `${days} (${zoneShort(summary.days)})`;
}

/** Which time zone the days are counted in, and why, for the card. */
export function dayReckoningText(days: DayReckoning): string {
  if (days.timeZone !== undefined) return `${days.timeZone} (set by CALLS_TIMEZONE)`;
  const offsets = days.siteOffsets.map(offsetLabel);
  const sites =
    offsets.length === 0
      ? ''
      : offsets.length === 1
        ? `the site's time zone, ${offsets[0]} (from Site timezone)`
        : `each site's own time zone (${offsets.join(', ')}, from Site timezone)`;
  if (days.utcRecords === 0) return sites || 'UTC';
  const utc = `UTC for ${plural(days.utcRecords, 'record')} without a Site timezone`;
  return sites ? `${sites}; ${utc}` : utc;
}

/** `webex-go-calls-2026-03-02_2026-03-08`: a file name that carries the period. */
export function periodFileName(prefix: string, summary: Pick<CallSummary, 'firstDay' | 'lastDay'>): string {
  if (summary.firstDay === null || summary.lastDay === null) return prefix;
  return summary.firstDay === summary.lastDay ? `${prefix}-${summary.firstDay}` : `${prefix}-${summary.firstDay}_${summary.lastDay}`;
}

/** How a name from a file is repeated: quoted in a markdown message; as it is in a card, which escapes it. */
export type Quote = (text: string) => string;
const asIs: Quote = (text) => text;

function userText(user: UserCalls, quote: Quote): string {
  return user.email !== undefined && user.email !== user.user ? `${quote(user.user)} (${user.email})` : quote(user.user);
}

/** A user as the summary card lists them. */
export function userLabel(user: UserCalls): string {
  return userText(user, asIs);
}

/** Title/value pairs for the summary card's FactSet. */
export function summaryFacts(summary: CallSummary): Fact[] {
  const facts: Fact[] = [
    { title: 'Period', value: periodDays(summary) },
    { title: 'Days counted in', value: dayReckoningText(summary.days) },
    { title: 'Records read', value: count(summary.recordsRead) },
    { title: 'Webex Go records', value: count(summary.webexGoRecords) },
    {
      title: 'Webex Go calls',
      value: `${count(summary.webexGoCalls)} of ${count(summary.allCalls)} calls (${percent(summary.webexGoCalls, summary.allCalls)})`,
    },
    {
      title: 'Answered',
      value: `${count(summary.answered)} answered, ${count(summary.notAnswered)} not answered`,
    },
    { title: 'Minutes', value: summary.totalMinutes.toLocaleString('en-US') },
    {
      title: 'Direction',
      value:
        `${count(summary.outbound)} outgoing, ${count(summary.inbound)} incoming` +
        (summary.unknownDirection ? `, ${count(summary.unknownDirection)} unknown` : ''),
    },
  ];
  if (summary.duplicates) facts.push({ title: 'Duplicates skipped', value: count(summary.duplicates) });
  if (summary.brokenRows) facts.push({ title: 'Broken rows skipped', value: count(summary.brokenRows) });
  return facts;
}

/** Broken rows and an early stop, for the admin to fix the file (nothing when all is well). */
export function problemsText(result: Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>): string[] {
  const { summary, brokenSamples: samples, stoppedAt } = result;
  const lines: string[] = [];
  if (stoppedAt) lines.push(`Reading stopped at row ${stoppedAt.row}: ${stoppedAt.detail}. The figures cover the rows before it.`);
  if (summary.brokenRows === 0) return lines;
  lines.push(`${plural(summary.brokenRows, 'broken row')} skipped (rows as a spreadsheet numbers them):`);
  for (const s of samples) lines.push(`- row ${s.row}: ${s.detail}`);
  if (summary.brokenRows > samples.length) lines.push(`- and ${count(summary.brokenRows - samples.length)} more`);
  return lines;
}

/**
 * The plain-text version of the reply. Always holds `Webex Go calls: <N> of <M>` (distinct Webex
 * Go calls of distinct calls). Stays far below Webex's 7439-byte message limit: lists are capped.
 */
export function fallbackText(result: Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>, check?: CrossCheck): string {
  const { summary } = result;
  const lines: string[] = [
    `Detailed Call History, ${periodText(summary)}`,
    `Webex Go calls: ${summary.webexGoCalls} of ${summary.allCalls}`,
    `Records read: ${count(summary.recordsRead)}; Webex Go records: ${count(summary.webexGoRecords)}` +
      (summary.duplicates ? `; duplicates skipped: ${count(summary.duplicates)}` : ''),
    `Answered: ${count(summary.answered)}; not answered: ${count(summary.notAnswered)}; minutes: ${summary.totalMinutes}`,
    `Outgoing: ${count(summary.outbound)}; incoming: ${count(summary.inbound)}` +
      (summary.unknownDirection ? `; unknown direction: ${count(summary.unknownDirection)}` : ''),
  ];
  if (summary.topUsers.length) {
    lines.push('Top users by Webex Go calls:');
    for (const u of summary.topUsers) lines.push(`- ${userText(u, quoted)}: ${u.calls}`);
  }
  const busyDays = summary.byDay.filter((d) => d.calls > 0);
  if (busyDays.length) {
    lines.push('Webex Go calls by day:');
    const shown = busyDays.slice(0, 31);
    lines.push(shown.map((d) => `${d.day}: ${d.calls}`).join(', ') + (busyDays.length > shown.length ? ', …' : ''));
  }
  if (check) lines.push(...crossCheckText(check));
  lines.push(...problemsText(result));
  return lines.join('\n');
}

function listed(users: readonly UserCalls[], quote: Quote, max = 10): string {
  const shown = users.slice(0, max).map((u) => `${userText(u, quote)} (${u.calls})`);
  return shown.join(', ') + (users.length > max ? `, and ${users.length - max} more` : '');
}

/** The cross-check in a few lines (nothing when there is nothing to say). */
export function crossCheckText(check: CrossCheck, quote: Quote = quoted): string[] {
  const lines: string[] = [];
  if (check.callsByUsersWithoutDevice.length) {
    lines.push(`Webex Go calls by users with no Webex Go device here: ${listed(check.callsByUsersWithoutDevice, quote)}`);
  }
  if (check.callsByUsersWithDeviceNotOnline.length) {
    lines.push(`Webex Go calls by users whose device here is not Online: ${listed(check.callsByUsersWithDeviceNotOnline, quote)}`);
  }
  if (check.onlineDevicesWithoutCalls.length) {
    const emails = check.onlineDevicesWithoutCalls;
    lines.push(
      `Online devices with no Webex Go call in the period: ${emails.slice(0, 10).join(', ')}` +
        (emails.length > 10 ? `, and ${emails.length - 10} more` : ''),
    );
  }
  if (check.unmatchedUsers.length) {
    lines.push(
      `Not matched with devices: ${plural(check.unmatchedUsers.length, 'caller')} the records name with neither a User UUID nor an email ` +
        `(${listed(check.unmatchedUsers, quote, 5)}).`,
    );
  }
  if (check.unresolvedDevices.length) {
    const emails = check.unresolvedDevices;
    lines.push(
      `Not matched with calls: ${plural(emails.length, 'device')} whose person Webex did not find by email, so their calls cannot be told apart ` +
        `(${emails.slice(0, 10).join(', ')}${emails.length > 10 ? `, and ${emails.length - 10} more` : ''}).`,
    );
  }
  return lines;
}

/** The answer to a file the bot refuses; undefined for a result it accepted. */
export function refusalText(result: AnalyseResult): string | undefined {
  if (result.ok) return undefined;
  switch (result.reason) {
    case 'too-large':
      return (
        `That file is over ${Math.round(result.maxBytes / 1024 / 1024)} MB, more than I read. ` +
        'Export a shorter period from Control Hub (Analytics › Calling › Detailed Call History) and attach it again.'
      );
    case 'empty':
      return 'That file is empty: I expected the Detailed Call History, as the CSV export from Control Hub or the API\'s records in JSON.';
    case 'not-call-history': {
      const lacks = `${result.missing.length === 1 ? '' : 's'} ${result.missing.join(', ')}`;
      return result.format === 'json'
        ? `That JSON holds no Detailed Call History records I can read: I expected the API's records (an array of them, or an object with items[]), each with the fields Report ID, Start time, Sub client type, Correlation ID, Direction, Answered, Duration and User, and ${result.header.length ? `its records lack the field${lacks}` : 'it has no such array'}.`
        : `That file is not a Detailed Call History I can read: I expected the CSV export from Control Hub (Analytics › Calling › Detailed Call History) or the API's records in JSON, and it lacks the column${lacks}.`;
    }
  }
}
