/** Answers to what anyone typed or pressed, in the reader's language: help, usage, and what was wrong with the input (always quoted). */
import { offendingCharacter, type EmailProblem } from '../../domain/email.js';
import type { Language } from '../../domain/types.js';
import { codePoint, quoted } from '../format.js';
import { translator } from '../i18n/translate.js';

/** What is wrong with an address, after it is quoted. */
export function emailProblemText(problem: EmailProblem, input: string, lang: Language): string {
  const t = translator(lang);
  const char = offendingCharacter(input) ?? ' ';
  switch (problem) {
    case 'too-long':
      return t('email.tooLong');
    case 'invisible':
      return t('email.invisible', { codePoint: codePoint(char) });
    case 'control':
      return t('email.control', { codePoint: codePoint(char) });
    case 'look-alike':
      return t('email.lookAlike', { char: offendingCharacter(input) ?? '', codePoint: codePoint(char) });
    case 'format':
      return t('email.format');
  }
}

export function commandText(lang: Language) {
  const t = translator(lang);
  return {
    notAdmin: t('command.notAdmin'),
    internalError: t('command.internalError'),
    unknownButton: t('command.unknownButton'),
    unknownCommand: (typed: string, suggestion: string) => t('command.unknownCommand', { typed: quoted(typed), suggestion: quoted(suggestion) }),
    usage: (problem: string, usage: string, example: string) => t('command.usage', { problem, usage, example }),
    missingEmail: t('command.missingEmail'),
    notEmail: (input: string, problem: EmailProblem) => `${quoted(input)} ${emailProblemText(problem, input, lang)}`,
    notYourself: t('command.notYourself'),
    unknownPerson: (email: string) => t('command.unknownPerson', { email: quoted(email) }),
    extraWords: (input: string) => t('command.extraWords', { input: quoted(input) }),
    notAdminVerb: (verb: string) => t('command.notAdminVerb', { verb: quoted(verb, 40) }),
    notAStatus: (input: string) => t('command.notAStatus', { input: quoted(input, 60) }),
    takesNothing: (command: string) => t('command.takesNothing', { command }),
    notWatchArg: (input: string) => t('command.notWatchArg', { input: quoted(input, 40) }),
    settingNeedsValue: (name: string) => t('command.settingNeedsValue', { name: quoted(name, 40) }),
    notifyOnOff: (value: string) => t('command.notifyOnOff', { value: quoted(value, 40) }),
    licensesNumber: (value: string) => t('command.licensesNumber', { value: quoted(value, 40) }),
    ttlNumber: (value: string) => t('command.ttlNumber', { value: quoted(value, 40) }),
    notASetting: (name: string) => t('command.notASetting', { name: quoted(name, 40) }),
    notALanguage: (input: string) => t('language.notALanguage', { input: quoted(input, 40) }),
    helpIntro: (admin: boolean) => (admin ? t('help.introAdmin') : t('help.introUser')),
    helpLine: (usage: string, summary: string, example: string) => t('help.line', { usage, summary, example }),
  };
}
