import type { Command } from './types.js';

/**
 * Turns what a person typed into a command and its arguments. In a group space Webex puts the
 * bot's name (as the person typed the mention) in front: strip it.
 */
export function normalize(text: string, botNames: string[]): string {
  // "@GoBot help" typed by hand: the @ comes before the name, so it goes first.
  let rest = text.replace(/\s+/g, ' ').trim().replace(/^@/, '');
  for (const name of botNames) {
    for (const candidate of [name, name.split(' ')[0]]) {
      if (candidate && rest.toLowerCase().startsWith(candidate.toLowerCase())) {
        const after = rest.slice(candidate.length);
        if (after === '' || /^[\s,:]/.test(after)) {
          rest = after.replace(/^[\s,:]+/, '');
          break;
        }
      }
    }
  }
  return rest.replace(/^@/, '').trim();
}

export interface Match {
  command: Command;
  args: string;
}

export function matchCommand(text: string, commands: Command[]): Match | undefined {
  const lower = text.toLowerCase();
  let best: Match | undefined;
  let bestLength = -1;
  for (const command of commands) {
    for (const phrase of command.phrases) {
      const fits = lower === phrase || lower.startsWith(`${phrase} `);
      if (fits && phrase.length > bestLength) {
        best = { command, args: text.slice(phrase.length).trim() };
        bestLength = phrase.length;
      }
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The command whose phrase is nearest to the first word(s) typed, for "did you mean". */
export function closestCommand(text: string, commands: Command[]): Command {
  const words = text.toLowerCase().split(' ');
  let best = commands[0];
  let bestScore = Infinity;
  for (const command of commands) {
    for (const phrase of command.phrases) {
      const typed = words.slice(0, phrase.split(' ').length).join(' ');
      const score = distance(typed, phrase);
      if (score < bestScore) {
        best = command;
        bestScore = score;
      }
    }
  }
  return best;
}

/** What a person may run: admins everything listed, others the commands open to anyone. */
export function visibleCommands(commands: Command[], isAdmin: boolean): Command[] {
  return commands.filter((c) => c.listed !== false && (isAdmin || c.access === 'anyone'));
}
