/** Names of statuses, causes and audited actions, as every audience reads them. */
import type { AuditAction, ChangeCause, DeviceStatus } from '../../domain/types.js';

export const STATUS_LABEL: Record<DeviceStatus, string> = {
  pending: 'Pending activation',
  online: 'Online',
  offline: 'Offline',
};

export const CAUSE_LABEL: Record<ChangeCause, string> = {
  assigned: 'device added',
  'new-code': 'new activation code generated',
  'lost-stolen': 'marked lost/stolen',
  downloaded: 'line installed on the phone',
  disabled: 'line switched off on the phone',
  enabled: 'line switched on on the phone',
  'deleted-on-phone': 'line removed from the phone',
};

/** How each audited action reads in a space and in the audit view. */
const ACTION_LABEL: Record<AuditAction, string> = {
  assign: 'assigned a device',
  'new-code': 'generated a new activation code',
  'lost-stolen': 'marked lost/stolen',
  delete: 'deleted the device',
  settings: 'changed settings',
  'admin-add': 'added an admin',
  'admin-remove': 'removed an admin',
  download: 'installed the line on the phone',
  'phone-disabled': 'switched the line off on the phone',
  'phone-enabled': 'switched the line on on the phone',
  'phone-deleted': 'removed the line from the phone',
  'phone-unknown-event': 'sent an unknown phone event',
  status: 'viewed a device',
  devices: 'listed the devices',
  licenses: 'viewed the licenses',
  admins: 'managed admins',
  audit: 'read the audit trail',
  watch: 'set the watch space',
  calls: 'analysed calls',
  cancel: 'closed a confirmation',
  'reminder-expiring': 'reminded the user that the code expires soon',
  'notice-expired': 'told the user the code expired',
};

/** Records written before the vocabulary was one (e.g. `code`, `lost`) still read as words. */
export function actionLabel(action: string): string {
  return (ACTION_LABEL as Record<string, string | undefined>)[action] ?? action;
}
