/** The `calls` report, in the reader's language: the card's facts, the fallback text, progress, errors and the chart's words. */
import { offsetLabel, type AcceptedExport, type AnalyseResult, type CallSummary, type ChartText, type ChartWords, type CrossCheck, type DayReckoning, type UserCalls } from '../../calls/index.js';
import type { Language } from '../../domain/types.js';
import { formatCount, formatDate, formatDateTime, quoted } from '../format.js';
import { translator } from '../i18n/translate.js';

interface Fact {
  title: string;
  value: string;
}

type Period = Pick<CallSummary, 'firstDay' | 'lastDay' | 'days'>;
type CallsResult = Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>;

/** How a name from a file is repeated: quoted in a markdown message; as it is in a card, which escapes it. */
type Quote = (text: string) => string;
const asIs: Quote = (text) => text;

function userText(user: UserCalls, quote: Quote): string {
  return user.email !== undefined && user.email !== user.user ? `${quote(user.user)} (${user.email})` : quote(user.user);
}

/** A user as the summary card lists them. */
export function userLabel(user: UserCalls): string {
  return userText(user, asIs);
}

/** `webex-go-calls-2026-03-02_2026-03-08`: a file name that carries the period. */
export function periodFileName(prefix: string, summary: Pick<CallSummary, 'firstDay' | 'lastDay'>): string {
  if (summary.firstDay === null || summary.lastDay === null) return prefix;
  return summary.firstDay === summary.lastDay ? `${prefix}-${summary.firstDay}` : `${prefix}-${summary.firstDay}_${summary.lastDay}`;
}

const SHORT_DAY: Partial<Record<Language, Intl.DateTimeFormat>> = {
  bg: new Intl.DateTimeFormat('bg', { day: '2-digit', month: '2-digit', timeZone: 'UTC' }),
};

/** How a chart in `lang` writes a day's tick and its numbers: rebuilt from the language wherever the chart is drawn. */
export function chartFormat(lang: Language): Pick<ChartText, 'dayTick' | 'number'> {
  const shortDay = SHORT_DAY[lang];
  return {
    dayTick: (iso) => (shortDay ? shortDay.format(new Date(iso)) : iso.slice(5)),
    number: (n) => plainCount(n, lang),
  };
}

/**
 * The plain-text reply and the lists in it always gave English readers bare digits
 * (`Webex Go calls: 5000 of 5000`); other languages read their locale's numbers.
 */
function plainCount(n: number, lang: Language): string {
  return lang === 'en' ? String(n) : formatCount(n, lang);
}

const ONE_DECIMAL: Record<Language, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false }),
  bg: new Intl.NumberFormat('bg', { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false }),
};

export function callsText(lang: Language) {
  const t = translator(lang);
  const count = (n: number) => formatCount(n, lang);
  const plain = (n: number) => plainCount(n, lang);
  /** The chart's words: its title, the period and total, what it says when empty. */
  const chartWords = (summary: CallSummary): ChartWords => {
    const total = summary.byDay.reduce((sum, d) => sum + d.calls, 0);
    return {
      title: t('calls.chartTitle'),
      subtitle: summary.byDay.length === 0 ? t('calls.noRecords') : t('calls.chartTotal', { period: periodText(summary), n: total }),
      empty: t('calls.chartEmpty'),
    };
  };
  /** A day of the records (`2026-03-02`, already in the days' time zone), as the reader writes dates. */
  const day = (iso: string) => formatDate(iso, lang);
  const megabytes = (bytes: number) => t('calls.megabytes', { mb: ONE_DECIMAL[lang].format(bytes / 1024 / 1024) });
  const andMore = (list: string, more: number) => (more > 0 ? t('calls.andMore', { list, more: plain(more) }) : list);

  function listed(users: readonly UserCalls[], quote: Quote, max = 10): string {
    return andMore(users.slice(0, max).map((u) => `${userText(u, quote)} (${plain(u.calls)})`).join(', '), users.length - max);
  }

  /** The first and last day of the records, or "no records". */
  function periodDays(summary: Period): string {
    if (summary.firstDay === null || summary.lastDay === null) return t('calls.noRecords');
    return summary.firstDay === summary.lastDay ? day(summary.firstDay) : t('calls.periodRange', { first: day(summary.firstDay), last: day(summary.lastDay) });
  }

  /** The time zone days are counted in, short: "UTC", "UTC−08:00", "Europe/Paris", "each site's". */
  function zoneShort(days: DayReckoning): string {
    if (days.timeZone !== undefined) return days.timeZone;
    const zones = new Set(days.siteOffsets.map(offsetLabel));
    if (days.utcRecords > 0) zones.add('UTC');
    if (zones.size === 0) return 'UTC';
    return zones.size === 1 ? [...zones][0] : t('calls.zoneEachSite');
  }

  /** "2026-03-02 to 2026-03-08 (UTC−08:00)": the period as the card, the chart and the text give it. */
  function periodText(summary: Period): string {
    const days = periodDays(summary);
    return summary.firstDay === null ? days : `${days} (${zoneShort(summary.days)})`;
  }

  /** Which time zone the days are counted in, and why, for the card. */
  function dayReckoningText(days: DayReckoning): string {
    if (days.timeZone !== undefined) return t('calls.zoneSet', { zone: days.timeZone });
    const offsets = days.siteOffsets.map(offsetLabel);
    const sites =
      offsets.length === 0
        ? ''
        : offsets.length === 1
          ? t('calls.zoneSite', { offset: offsets[0] })
          : t('calls.zoneSites', { offsets: offsets.join(', ') });
    if (days.utcRecords === 0) return sites || 'UTC';
    const utc = t('calls.zoneUtcFor', { n: days.utcRecords });
    return sites ? `${sites}; ${utc}` : utc;
  }

  /** Broken rows and an early stop, for the admin to fix the file (nothing when all is well). */
  function problemsText(result: CallsResult): string[] {
    const { summary, brokenSamples: samples, stoppedAt } = result;
    const lines: string[] = [];
    if (stoppedAt) lines.push(t('calls.stoppedAt', { row: plain(stoppedAt.row), detail: stoppedAt.detail }));
    if (summary.brokenRows === 0) return lines;
    lines.push(t('calls.brokenRows', { n: summary.brokenRows }));
    for (const s of samples) lines.push(t('calls.brokenRow', { row: plain(s.row), detail: s.detail }));
    if (summary.brokenRows > samples.length) lines.push(t('calls.brokenMore', { more: count(summary.brokenRows - samples.length) }));
    return lines;
  }

  /** The cross-check in a few lines (nothing when there is nothing to say). */
  function crossCheckText(check: CrossCheck, quote: Quote = quoted): string[] {
    const lines: string[] = [];
    if (check.callsByUsersWithoutDevice.length) lines.push(t('calls.check.noDevice', { users: listed(check.callsByUsersWithoutDevice, quote) }));
    if (check.callsByUsersWithDeviceNotOnline.length) lines.push(t('calls.check.notOnline', { users: listed(check.callsByUsersWithDeviceNotOnline, quote) }));
    if (check.onlineDevicesWithoutCalls.length) {
      const emails = check.onlineDevicesWithoutCalls;
      lines.push(t('calls.check.idle', { emails: andMore(emails.slice(0, 10).join(', '), emails.length - 10) }));
    }
    if (check.unmatchedUsers.length) {
      lines.push(t('calls.check.unmatchedUsers', { n: check.unmatchedUsers.length, users: listed(check.unmatchedUsers, quote, 5) }));
    }
    if (check.unresolvedDevices.length) {
      const emails = check.unresolvedDevices;
      lines.push(t('calls.check.unresolvedDevices', { n: emails.length, emails: andMore(emails.slice(0, 10).join(', '), emails.length - 10) }));
    }
    return lines;
  }

  return {
    title: (webexGo: number, all: number) => t('calls.title', { calls: count(webexGo), all: count(all) }),
    fromUpload: (filename: string | undefined, email: string | undefined) => {
      const source = filename ? t('calls.fromUploadFile', { filename }) : t('calls.fromUpload');
      return email ? t('calls.ofPerson', { source, email }) : source;
    },
    fromApi: (start: Date, end: Date, email: string | undefined, trimmed: boolean) => {
      const period = t('calls.fromApi', { start: formatDateTime(start.toISOString(), lang), end: formatDateTime(end.toISOString(), lang) });
      const source = email ? t('calls.ofPerson', { source: period, email }) : period;
      return trimmed ? t('calls.trimmed', { source }) : source;
    },
    chartCaption: t('calls.chartCaption'),
    csvCaption: (records: number, gzipped: boolean) => t('calls.csvCaption', { records: count(records), gzip: gzipped ? 'yes' : 'no' }),
    csvFact: (records: number, filename: string, gzipped: boolean): Fact => ({
      title: t('calls.fact.csvFile'),
      value: t('calls.csvFile', { n: records, filename, gzip: gzipped ? 'yes' : 'no' }),
    }),
    readingUpload: (bytes: number, size: number | undefined) =>
      size
        ? t('calls.readingUploadOf', { read: megabytes(bytes), size: megabytes(size), percent: plain(Math.floor((bytes / size) * 100)) })
        : t('calls.readingUpload', { read: megabytes(bytes) }),
    pullStarting: t('calls.pullStarting'),
    pullProgress: (window: number, windows: number, records: number) =>
      t('calls.pullProgress', { window: plain(window), windows: plain(windows), n: records }),
    pullWaiting: (progress: string, ms: number) => `${progress}\n${t('calls.pullWaiting', { seconds: plain(Math.ceil(ms / 1000)) })}`,
    personLookupFailed: (email: string, reason: string) => t('calls.personLookupFailed', { email, reason }),
    unknownPerson: (email: string) => t('calls.unknownPerson', { email }),
    nothingToRead: t('calls.nothingToRead'),
    notAPeriod: (text: string) => t('calls.notAPeriod', { text: `"${text.slice(0, 60)}"` }),
    badDate: t('calls.badDate'),
    emptyRange: t('calls.emptyRange'),
    noAdminToken: t('calls.noAdminToken'),
    apiMissingColumns: (missing: string[]) => t('calls.apiMissingColumns', { columns: missing.join(', ') }),
    downloadFailed: (reason: string) => t('calls.downloadFailed', { reason }),
    pullFailed: (reason: string) => t('calls.pullFailed', { reason }),

    periodText,
    problemsText,
    crossCheckText,

    /** A day of the records as the card's by-day list names it. */
    day,

    /** Title/value pairs for the summary card's FactSet. */
    summaryFacts(summary: CallSummary): Fact[] {
      const facts: Fact[] = [
        { title: t('calls.fact.period'), value: periodDays(summary) },
        { title: t('calls.fact.days'), value: dayReckoningText(summary.days) },
        { title: t('calls.fact.recordsRead'), value: count(summary.recordsRead) },
        { title: t('calls.fact.webexGoRecords'), value: count(summary.webexGoRecords) },
        {
          title: t('calls.fact.webexGoCalls'),
          value: t('calls.callsOfAll', {
            calls: count(summary.webexGoCalls),
            all: count(summary.allCalls),
            share: summary.allCalls === 0 ? 0 : summary.webexGoCalls / summary.allCalls,
          }),
        },
        { title: t('calls.fact.answered'), value: t('calls.answeredValue', { answered: summary.answered, notAnswered: summary.notAnswered }) },
        { title: t('calls.fact.minutes'), value: count(summary.totalMinutes) },
        {
          title: t('calls.fact.direction'),
          value: summary.unknownDirection
            ? t('calls.directionValueUnknown', { outgoing: summary.outbound, incoming: summary.inbound, unknown: summary.unknownDirection })
            : t('calls.directionValue', { outgoing: summary.outbound, incoming: summary.inbound }),
        },
      ];
      if (summary.duplicates) facts.push({ title: t('calls.fact.duplicates'), value: count(summary.duplicates) });
      if (summary.brokenRows) facts.push({ title: t('calls.fact.brokenRows'), value: count(summary.brokenRows) });
      return facts;
    },

    /**
     * The plain-text version of the reply. Always holds `Webex Go calls: <N> of <M>` in English
     * (distinct Webex Go calls of distinct calls). Stays far below Webex's 7439-byte message limit: lists are capped.
     */
    fallbackText(result: CallsResult, check?: CrossCheck): string {
      const { summary } = result;
      const lines: string[] = [
        t('calls.text.heading', { period: periodText(summary) }),
        t('calls.title', { calls: plain(summary.webexGoCalls), all: plain(summary.allCalls) }),
        summary.duplicates
          ? t('calls.text.recordsDuplicates', { read: count(summary.recordsRead), records: count(summary.webexGoRecords), duplicates: count(summary.duplicates) })
          : t('calls.text.records', { read: count(summary.recordsRead), records: count(summary.webexGoRecords) }),
        t('calls.text.answered', { answered: count(summary.answered), notAnswered: count(summary.notAnswered), minutes: plain(summary.totalMinutes) }),
        summary.unknownDirection
          ? t('calls.text.directionUnknown', { outgoing: count(summary.outbound), incoming: count(summary.inbound), unknown: count(summary.unknownDirection) })
          : t('calls.text.direction', { outgoing: count(summary.outbound), incoming: count(summary.inbound) }),
      ];
      if (summary.topUsers.length) {
        lines.push(`${t('card.calls.topUsers')}:`);
        for (const u of summary.topUsers) lines.push(`- ${userText(u, quoted)}: ${plain(u.calls)}`);
      }
      const busyDays = summary.byDay.filter((d) => d.calls > 0);
      if (busyDays.length) {
        lines.push(`${t('card.calls.byDay')}:`);
        const shown = busyDays.slice(0, 31);
        lines.push(shown.map((d) => `${day(d.day)}: ${plain(d.calls)}`).join(', ') + (busyDays.length > shown.length ? ', …' : ''));
      }
      if (check) lines.push(...crossCheckText(check));
      lines.push(...problemsText(result));
      return lines.join('\n');
    },

    chartWords,

    /** The chart's words and its formats (day ticks, numbers), for drawing it. */
    chart(summary: CallSummary): ChartText {
      return { ...chartWords(summary), ...chartFormat(lang) };
    },

    /** The answer to a file the bot refuses; undefined for a result it accepted. */
    refusalText(result: AnalyseResult): string | undefined {
      if (result.ok) return undefined;
      switch (result.reason) {
        case 'too-large':
          return t('calls.refusal.tooLarge', { mb: plain(Math.round(result.maxBytes / 1024 / 1024)) });
        case 'empty':
          return t('calls.refusal.empty');
        case 'not-call-history': {
          const lacking = { n: result.missing.length, fields: result.missing.join(', ') };
          if (result.format === 'csv') return t('calls.refusal.csv', lacking);
          return result.header.length ? t('calls.refusal.json', lacking) : t('calls.refusal.jsonNoArray');
        }
      }
    },
  };
}
