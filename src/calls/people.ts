/**
 * Who a record is about. Real records name a person in `User` ("John Andersen"), not by email;
 * what identifies them is `User UUID` — the UUID inside their Webex person id — or, on a record
 * without one, `Device owner UUID`. People are matched by that UUID; an email in `User` or a
 * user email column is the fallback for exports that carry one.
 */
import { cleanValue, type CallColumns } from './records.js';

/** The UUID inside a Webex person id (base64 of `ciscospark://us/PEOPLE/<uuid>`), lower-cased; undefined for an id of another shape. */
export function personUuidOfId(personId: string): string | undefined {
  const decoded = Buffer.from(personId.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const match = /^ciscospark:\/\/[a-z0-9-]+\/PEOPLE\/([0-9a-f-]{36})$/i.exec(decoded);
  return match?.[1].toLowerCase();
}

/** A person as the bot knows them: the UUID of their Webex person id, and their email. */
export interface PersonKey {
  uuid?: string;
  email?: string;
}

/** The record's person UUID, lower-cased: `User UUID`, else `Device owner UUID`; `''` when neither. */
export function personUuidOf(row: readonly string[], columns: CallColumns): string {
  const user = columns.userUuid < 0 ? '' : cleanValue(row[columns.userUuid]);
  if (user.length > 0) return user.toLowerCase();
  const owner = columns.deviceOwnerUuid < 0 ? '' : cleanValue(row[columns.deviceOwnerUuid]);
  return owner.toLowerCase();
}

/** The record's email, lower-cased, when a user email column or `User` holds one; `''` otherwise. */
export function personEmailOf(row: readonly string[], columns: CallColumns): string {
  const email = columns.userEmail < 0 ? '' : cleanValue(row[columns.userEmail]);
  if (email.includes('@')) return email.toLowerCase();
  const user = columns.user < 0 ? '' : cleanValue(row[columns.user]);
  return user.includes('@') ? user.toLowerCase() : '';
}

/** A test for "this record is that person's": by UUID, or by email when the record carries one. */
export function recordsOf(person: PersonKey): (row: readonly string[], columns: CallColumns) => boolean {
  const uuid = person.uuid?.toLowerCase();
  const email = person.email?.toLowerCase();
  return (row, columns) => {
    if (uuid !== undefined) {
      const user = columns.userUuid < 0 ? '' : cleanValue(row[columns.userUuid]).toLowerCase();
      const owner = columns.deviceOwnerUuid < 0 ? '' : cleanValue(row[columns.deviceOwnerUuid]).toLowerCase();
      if (user === uuid || (user === '' && owner === uuid)) return true;
    }
    return email !== undefined && personEmailOf(row, columns) === email;
  };
}
