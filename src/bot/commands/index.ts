/** The command table: every typed command and every card button is one of these. */
import { visibleCommands } from '../parse.js';
import type { Command } from '../types.js';
import { adminsCommand } from './admins.js';
import { assignCommand } from './assign.js';
import { auditCommand } from './audit.js';
import { callsCommand } from './calls.js';
import { cancelCommand } from './cancel.js';
import { codeCommand } from './code.js';
import { deleteCommand } from './delete.js';
import { deliverCommand } from './deliver.js';
import { devicesCommand } from './devices.js';
import { helpCommand } from './help.js';
import { languageCommand } from './language.js';
import { licensesCommand } from './licenses.js';
import { lostCommand } from './lost.js';
import { myLineCommand } from './myLine.js';
import { resendCommand } from './resend.js';
import { settingsCommand } from './settings.js';
import { statusCommand } from './status.js';
import { watchCommand } from './watch.js';

export function commandTable(): Command[] {
  const table: Command[] = [
    assignCommand,
    statusCommand,
    devicesCommand,
    codeCommand,
    lostCommand,
    deleteCommand,
    deliverCommand,
    licensesCommand,
    settingsCommand,
    adminsCommand,
    auditCommand,
    watchCommand,
    callsCommand,
    myLineCommand,
    resendCommand,
    languageCommand,
    cancelCommand,
  ];
  table.unshift(helpCommand((ctx) => visibleCommands(table, ctx.deps.service.isAdmin(ctx.actor.email))));
  return table;
}
