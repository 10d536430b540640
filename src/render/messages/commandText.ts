/** Answers to what anyone typed or pressed: help, usage, and what was wrong with the input. */

export const COMMAND_TEXT = {
  notAdmin:
    'Sorry, only Webex Go admins can do that, and nothing was changed. Type **help** to see what you can do, or ask an admin.',
  internalError: 'Something went wrong on my side and I could not finish that. Try again in a moment; if it keeps failing, tell your Webex admin.',
  unknownButton: 'That button belongs to an older version of me. Type **help** to see what I can do now.',
  unknownCommand: (typed: string, suggestion: string) =>
    `I didn't understand "${typed.slice(0, 80)}". Did you mean **${suggestion}**? Type **help** for everything I can do.`,
  usage: (problem: string, usage: string, example: string) => `${problem} Type it as **${usage}**, for example **${example}**.`,
  missingEmail: 'The user\'s email address is missing.',
  notEmail: (input: string) => `"${input.slice(0, 80)}" is not an email address.`,
  extraWords: (input: string) => `I don't know what to do with "${input.slice(0, 80)}".`,
  notAdminVerb: (verb: string) => `"${verb.slice(0, 40)}" is not something I can do with admins.`,
  notAStatus: (input: string) => `"${input.slice(0, 60)}" is not a status.`,
  takesNothing: (command: string) => `"${command}" takes nothing after it.`,
  notWatchArg: (input: string) => `"${input.slice(0, 40)}" is not here or off.`,
  settingNeedsValue: (name: string) => `"${name.slice(0, 40)}" needs a value.`,
  notifyOnOff: (value: string) => `Notify is on or off, not "${value.slice(0, 40)}".`,
  licensesNumber: (value: string) => `The license pool is a whole number, not "${value.slice(0, 40)}".`,
  ttlNumber: (value: string) => `The code lifetime is a whole number of days, not "${value.slice(0, 40)}".`,
  notASetting: (name: string) => `"${name.slice(0, 40)}" is not a setting.`,
  helpIntro: (admin: boolean) =>
    admin
      ? 'I run **Webex Go** for your organization. In a group space, @mention me first. You can type:'
      : 'I help you with your **Webex Go** business line. You can type:',
  helpLine: (usage: string, summary: string, example: string) => `- **${usage}** — ${summary} (e.g. \`${example}\`)`,
};
