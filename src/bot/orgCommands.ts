/**
 * What commands do in org mode, where the org's own Webex data is the source of truth: a live
 * read of one person's devices, the org's license pool, the Control Hub steps for what Webex has
 * no public API for, and the private delivery of a code an admin copied from Control Hub.
 */
import { parseCopiedCode } from '../domain/activationCode.js';
import type { LicensePool } from '../domain/types.js';
import { adminText } from '../render/messages/adminText.js';
import { commandText } from '../render/messages/commandText.js';
import { orgText } from '../render/messages/orgText.js';
import { sendToUser } from './activation.js';
import { languageHere } from './language.js';
import type { OrgMode } from './org.js';
import type { OrgLicense } from './orgPorts.js';
import type { CommandContext } from './types.js';
import { deviceCard, licensesCard } from './views.js';

/** The org's Webex Go pool: the licenses Webex counts, summed. */
export function poolOf(licenses: OrgLicense[]): LicensePool {
  const total = licenses.reduce((n, l) => n + l.totalUnits, 0);
  const inUse = licenses.reduce((n, l) => n + l.consumedUnits, 0);
  return { total, inUse, available: Math.max(0, total - inUse) };
}

/**
 * `status <email>` in org mode: that person's devices read live (and stored, so every view
 * agrees); when Webex cannot answer, the device as last read, saying how old that is.
 */
export async function liveDeviceCard(ctx: CommandContext, org: OrgMode, email: string): Promise<void> {
  const lang = languageHere(ctx);
  const { service } = ctx.deps;
  const lastKnown = async (why: string) => {
    const view = service.deviceOf(email);
    await ctx.reply(view ? deviceCard(view, lang, why, org.asOf(lang)) : { markdown: why });
  };
  const blocked = org.blocked('status', lang);
  if (blocked) return lastKnown(blocked);
  try {
    const person = await org.admin.personByEmail(email);
    if (!person) return void (await ctx.reply({ markdown: commandText(lang).unknownPerson(email) }));
    const devices = await org.admin.webexGoDevicesOf(person.id);
    // activationState tells Pending activation apart when the connection says nothing; a failure leaves it unread.
    const calling = devices.length > 0 ? await org.admin.callingDevicesOf(person.id).catch(() => []) : [];
    const activationState = calling.find((c) => c.modelType?.toUpperCase() === 'ESIM')?.activationState;
    org.noteSuccess();
    const listed = devices.map((d) => org.listed(d, { id: person.id, email, ...(person.displayName ? { displayName: person.displayName } : {}) }, activationState));
    await service.applyOrgListing(listed, { kind: 'person', personId: person.id });
  } catch (error) {
    return lastKnown(org.failure(error, 'status', lang));
  }
  const view = service.deviceOf(email);
  await ctx.reply(view ? deviceCard(view, lang, undefined, org.readNow(lang)) : { markdown: adminText(lang).noDevice(email) });
}

/** `licenses` in org mode: the org's real Webex Go pool, never a typed number. */
export async function orgLicenses(ctx: CommandContext, org: OrgMode): Promise<void> {
  const lang = languageHere(ctx);
  const blocked = org.blocked('licenses', lang);
  if (blocked) return ctx.reply({ markdown: blocked });
  let licenses: OrgLicense[];
  try {
    licenses = await org.admin.webexGoLicenses();
    org.noteSuccess();
  } catch (error) {
    return ctx.reply({ markdown: org.failure(error, 'licenses', lang) });
  }
  const words = orgText(lang);
  if (licenses.length === 0) return ctx.reply({ markdown: words.licensesNone });
  await ctx.reply(licensesCard(poolOf(licenses), lang, words.licensesHint(licenses.map((l) => l.name))));
}

/** After a device is deleted in the org: the pool as Webex counts it now, or nothing if it cannot say. */
export async function poolAfterDelete(ctx: CommandContext, org: OrgMode): Promise<string | undefined> {
  const lang = languageHere(ctx);
  if (org.blocked('licenses', lang)) return undefined;
  try {
    const licenses = await org.admin.webexGoLicenses();
    return licenses.length > 0 ? orgText(lang).deletedPool(poolOf(licenses)) : undefined;
  } catch (error) {
    org.failure(error, 'licenses', lang);
    return undefined;
  }
}

/**
 * `code`, `lost` and `assign` in org mode: Webex has no public API for them, so the answer is
 * Control Hub's own steps, a link, and the offer to deliver the code privately. `refusal` is
 * Webex's answer when the bot tried its undocumented activation-code API.
 */
export async function controlHubSteps(ctx: CommandContext, action: 'code' | 'lost' | 'assign', email: string, refusal?: string): Promise<void> {
  const words = orgText(languageHere(ctx));
  const lead = refusal ? words.codeApiRefused(email, refusal) : words.noApi;
  await ctx.say({ markdown: [lead, words.steps(action, email), words.deliverOffer(email)].join('\n\n') });
}

/**
 * `code <email>` with ORG_TRY_ACTIVATION_CODE_API on: asks Webex for a code (undocumented for
 * Webex Go). A code Webex gives goes to the user privately like a delivered one; a refusal is
 * quoted, with the Control Hub steps.
 */
export async function tryActivationCodeApi(ctx: CommandContext, org: OrgMode, email: string): Promise<void> {
  const lang = languageHere(ctx);
  let code: string;
  try {
    const person = await org.admin.personByEmail(email);
    if (!person) return void (await ctx.reply({ markdown: commandText(lang).unknownPerson(email) }));
    ({ code } = await org.admin.requestActivationCode(person.id));
  } catch (error) {
    return controlHubSteps(ctx, 'code', email, (error as Error).message);
  }
  const copied = parseCopiedCode(code, ctx.deps.service.settings().smdpAddress);
  if (!copied) return controlHubSteps(ctx, 'code', email);
  await deliverCode(ctx, org, email, copied);
}

/**
 * Makes the code the device's current one (for `resend` and the reminders), sends the user the
 * same activation message as an issued code, and tells the admin what became of it, without the code.
 */
export async function deliverCode(ctx: CommandContext, org: OrgMode, email: string, code: { smdpAddress: string; matchingId: string }): Promise<void> {
  const lang = languageHere(ctx);
  // A device added in Control Hub a moment ago is not stored until the next sync: read the org now.
  if (!ctx.deps.service.deviceOf(email)) await org.syncNow();
  const issued = await ctx.deps.service.recordDeliveredCode(ctx.actor.email, email, code);
  const delivery = await sendToUser(ctx, 'assign', issued.activation);
  await ctx.reply({ markdown: orgText(lang).deliverDone(delivery.reach, email, issued.activation.expiresAt, adminText(lang).via(delivery.via)) });
}
