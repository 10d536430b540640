/** Answers to what anyone typed or pressed: help, usage, and what was wrong with the input (always quoted). */
import { offendingCharacter, type EmailProblem } from '../../domain/email.js';
import { codePoint, quoted } from '../format.js';

/** What is wrong with an address, after it is quoted. */
export const EMAIL_PROBLEM: Record<EmailProblem, (input: string) => string> = {
  'too-long': () => 'is far too long for an email address.',
  invisible: (input) => `contains an invisible character (${codePoint(offendingCharacter(input) ?? ' ')}): type the address again by hand.`,
  control: (input) => `contains a control character (${codePoint(offendingCharacter(input) ?? ' ')}): type the address again by hand.`,
  'look-alike': (input) =>
    `contains "${offendingCharacter(input)}" (${codePoint(offendingCharacter(input) ?? ' ')}), a letter that only looks like a Latin one: type the address with plain Latin letters.`,
  format: () => 'is not an email address.',
};

export const COMMAND_TEXT = {
  notAdmin:
    'Sorry, only Webex Go admins can do that, and nothing was changed. Type **help** to see what you can do, or ask an admin.',
  internalError: 'Something went wrong on my side and I could not finish that. Try again in a moment; if it keeps failing, tell your Webex admin.',
  unknownButton: 'That button belongs to an older version of me. Type **help** to see what I can do now.',
  unknownCommand: (typed: string, suggestion: string) =>
    `I didn't understand ${quoted(typed)}. Did you mean ${quoted(suggestion)}? Type **help** for everything I can do.`,
  usage: (problem: string, usage: string, example: string) => `${problem} Type it as **${usage}**, for example **${example}**.`,
  missingEmail: 'The user\'s email address is missing.',
  notEmail: (input: string, problem: EmailProblem) => `${quoted(input)} ${EMAIL_PROBLEM[problem](input)}`,
  notYourself: 'That is my own address: name the person instead.',
  unknownPerson: (email: string) => `Webex knows nobody with the address ${quoted(email)}: check the spelling.`,
  extraWords: (input: string) => `I don't know what to do with ${quoted(input)}.`,
  notAdminVerb: (verb: string) => `${quoted(verb, 40)} is not something I can do with admins.`,
  notAStatus: (input: string) => `${quoted(input, 60)} is not a status.`,
  takesNothing: (command: string) => `"${command}" takes nothing after it.`,
  notWatchArg: (input: string) => `${quoted(input, 40)} is not here or off.`,
  settingNeedsValue: (name: string) => `${quoted(name, 40)} needs a value.`,
  notifyOnOff: (value: string) => `Notify is on or off, not ${quoted(value, 40)}.`,
  licensesNumber: (value: string) => `The license pool is a whole number, not ${quoted(value, 40)}.`,
  ttlNumber: (value: string) => `The code lifetime is a whole number of days, not ${quoted(value, 40)}.`,
  notASetting: (name: string) => `${quoted(name, 40)} is not a setting.`,
  helpIntro: (admin: boolean) =>
    admin
      ? 'I run **Webex Go** for your organization. In a group space, @mention me first. You can type:'
      : 'I help you with your **Webex Go** business line. You can type:',
  helpLine: (usage: string, summary: string, example: string) => `- **${usage}** — ${summary} (e.g. \`${example}\`)`,
};
