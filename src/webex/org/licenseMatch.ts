/**
 * Which of the org's licenses are Webex Go. Webex publishes no Webex Go license name, so: the
 * license with the configured id; else those of the configured subscription; else those whose
 * name matches the pattern (default: contains "Webex Go", any case).
 */
import type { OrgLicense } from '../../bot/orgPorts.js';

export interface WebexGoLicenseMatch {
  licenseId?: string;
  subscriptionId?: string;
  /** Tested on the license name; default /webex go/i. */
  namePattern?: RegExp;
}

export const DEFAULT_WEBEX_GO_LICENSE_NAME = /webex go/i;

export function webexGoLicensesAmong(licenses: readonly OrgLicense[], match: WebexGoLicenseMatch = {}): OrgLicense[] {
  if (match.licenseId !== undefined) return licenses.filter((license) => license.id === match.licenseId);
  if (match.subscriptionId !== undefined) return licenses.filter((license) => license.subscriptionId === match.subscriptionId);
  const pattern = match.namePattern ?? DEFAULT_WEBEX_GO_LICENSE_NAME;
  // A global or sticky pattern would carry lastIndex from one test to the next.
  const test = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return licenses.filter((license) => test.test(license.name));
}
