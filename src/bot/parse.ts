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

/**
 * What the person probably meant, for "did you mean": the nearest command's own words with what
 * they typed after the mistyped ones (`stauts bob@x.com` → `status bob@x.com`), or its example
 * when nothing followed, the command takes nothing, or the words were not a typo of it.
 */
export function suggestCommand(text: string, commands: Command[]): string {
  const best = nearest(text, commands);
  const rest = text.split(' ').slice(best.wordsUsed).join(' ');
  const takesArguments = best.command.usage !== best.command.phrases[0];
  // A typo of the command word (a couple of letters off) keeps what followed; a guess does not.
  const typo = best.score <= 2;
  return rest && takesArguments && typo && !best.command.secretArgs ? `${best.command.phrases[0]} ${rest}` : best.command.example;
}

/** The command whose words are nearest to what was typed, and how many of the typed words they took. */
function nearest(text: string, commands: Command[]): { command: Command; wordsUsed: number; score: number } {
  const words = text.split(' ');
  let best = { command: commands[0], wordsUsed: 1, score: Infinity };
  for (const command of commands) {
    for (const phrase of command.phrases) {
      const wordsUsed = phrase.split(' ').length;
      const score = distance(words.slice(0, wordsUsed).join(' ').toLowerCase(), phrase);
      if (score < best.score) best = { command, wordsUsed, score };
    }
  }
  return best;
}

/**
 * What of an unknown command may be repeated back: all of it, unless it is a typo of a command
 * whose arguments may be a credential (`deliver`: an activation code), when only its first words are.
 */
export function repeatable(text: string, commands: Command[]): string {
  const best = nearest(text, commands);
  return best.command.secretArgs && best.score <= 2 ? text.split(' ').slice(0, best.wordsUsed).join(' ') : text;
}

/** What a person may run: admins everything listed, others the commands open to anyone. */
export function visibleCommands(commands: Command[], isAdmin: boolean): Command[] {
  return commands.filter((c) => c.listed !== false && (isAdmin || c.access === 'anyone'));
}
