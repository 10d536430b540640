/**
 * The process log: one JSON line per event (time, level, message) through pino, or a plain
 * timestamped line when a person watches a terminal. Activation codes are redacted here as a
 * second guard: no caller should ever log one in the first place.
 */
import pino, { type DestinationStream } from 'pino';
import { redactActivationCodes } from './domain/activationCode.js';

export type Log = (line: string) => void;

export function createLog(destination?: DestinationStream): Log {
  if (!destination && process.stdout.isTTY) {
    return (line) => console.log(`${new Date().toISOString()} ${redactActivationCodes(line)}`);
  }
  const logger = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
  return (line) => logger.info(redactActivationCodes(line));
}
