/**
 * Reminders for codes about to expire and notices for expired ones: once per code, checked at
 * start (so none is lost while the bot was down) and then at a fixed interval.
 */
import type { WebexGoService } from '../domain/service.js';
import type { ReminderDue } from '../domain/types.js';
import { PeriodicPass, type Leases } from './periodicPass.js';
import type { Messenger } from './ports.js';
import { reminderCard } from './views.js';
import { adminText } from '../render/messages/adminText.js';
import { userText } from '../render/messages/userText.js';
import { watchText } from '../render/messages/watchText.js';

export interface ReminderDeps {
  service: WebexGoService;
  messenger: Messenger;
  log: (line: string) => void;
  qrPng: (payload: string) => Promise<Buffer>;
  remindDays: number;
  /** Shared with other instances: only the one holding the `reminders` lease sends them. */
  leases?: Leases;
}

export class ReminderScheduler extends PeriodicPass {
  constructor(private readonly deps: ReminderDeps) {
    super(deps.leases && { name: 'reminders', leases: deps.leases });
  }

  start(intervalMs: number): void {
    this.every(intervalMs);
  }

  protected async pass(): Promise<void> {
    for (const due of this.deps.service.remindersDue(this.deps.remindDays)) {
      if (!this.holdsLease()) return;
      try {
        await this.send(due);
        await this.deps.service.markReminded(due.codeKey, due.kind);
      } catch (error) {
        this.deps.log(`reminder for ${due.email} failed: ${(error as Error).message}`);
      }
    }
  }

  private async send(due: ReminderDue): Promise<void> {
    const { service, messenger } = this.deps;
    const settings = service.settings();
    if (settings.notifyUsers) {
      const toUser =
        due.kind === 'expiring'
          ? await this.expiringMessage(due.email)
          : { markdown: userText(service.languageOf({ person: due.email })).expired(due.expiresAt) };
      if (toUser) {
        await messenger.dm(due.email, toUser).catch(async (error: unknown) => {
          if (settings.watchSpaceId) {
            const words = adminText(service.languageOf({ space: settings.watchSpaceId }));
            await messenger.say(settings.watchSpaceId, { markdown: words.dmFailed(due.email, (error as Error).message) });
          }
        });
      }
    }
    const view = service.deviceOf(due.email);
    if (settings.watchSpaceId && view) {
      const lang = service.languageOf({ space: settings.watchSpaceId });
      const words = watchText(lang);
      const text = due.kind === 'expiring' ? words.expiringForAdmins(due.email, due.expiresAt) : words.expiredForAdmins(due.email, due.expiresAt);
      await messenger.say(settings.watchSpaceId, reminderCard(view, text, lang));
    }
  }

  private async expiringMessage(email: string) {
    const details = this.deps.service.currentActivation(email);
    if (!details) return undefined;
    const data = await this.deps.qrPng(details.qrPayload);
    const lang = this.deps.service.languageOf({ person: email });
    return { markdown: userText(lang).expiring(details), file: { filename: 'webex-go-qr.png', contentType: 'image/png', data } };
  }
}
