import { randomUUID } from 'node:crypto';

/** The kinds of object a Hydra id names, as they appear inside the id. */
export type HydraKind =
  | 'PEOPLE'
  | 'ROOM'
  | 'MESSAGE'
  | 'MEMBERSHIP'
  | 'ATTACHMENT_ACTION'
  | 'WEBHOOK'
  | 'ORGANIZATION'
  | 'APPLICATION'
  | 'CONTENT'
  | 'DEVICE'
  | 'CALLING_DEVICE'
  | 'LICENSE';

/**
 * A Webex-style ("Hydra") id: base64 of `ciscospark://us/<KIND>/<uuid>` without padding.
 * The alphabet of that string never yields `+` or `/` in base64, so the id is also URL-safe,
 * which is what lets it sit in a path segment. The SDK's people batcher decodes ids and must
 * find `ciscospark://` in them, otherwise it re-encodes and its request never settles.
 */
export function hydraId(kind: HydraKind, uuid: string = randomUUID()): string {
  return Buffer.from(`ciscospark://us/${kind}/${uuid}`).toString('base64').replace(/=+$/, '');
}

