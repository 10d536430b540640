/** The Webex Go calls analysis of a Detailed Call History export: pure logic and stream parsing. */
export { analyseExport, DEFAULT_MAX_BYTES, toCsvLine } from './parseExport.js';
export type { AcceptedExport, AnalyseOptions, AnalyseResult, BrokenRow } from './parseExport.js';
export { CallSummaryBuilder } from './summary.js';
export type { BrokenReason, CallSummary, DayCalls, DayReckoning, RowOutcome, SummaryOptions, UserCalls } from './summary.js';
export { offsetLabel } from './timeZone.js';
export { crossCheck } from './crossCheck.js';
export { personUuidOfId, recordsOf } from './people.js';
export type { PersonKey } from './people.js';
export type { CrossCheck, DeviceLike } from './crossCheck.js';
export { callsPerDayPng } from './chart.js';
export type { ChartOptions, ChartText, ChartWords } from './chart.js';
export { isWebexGoRecord, isWebexGoSubClientType, requiredColumnsOnly, resolveColumns } from './records.js';
export type { CallColumns, ColumnResolution } from './records.js';
