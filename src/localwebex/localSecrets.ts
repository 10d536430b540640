/**
 * The offline mode's credentials, drawn with crypto randomness once per data folder and kept in
 * a file only its owner reads: nobody else can know them, and a restart keeps them (the local
 * Webex's webhooks stay registered with the same secret, the page's eSIM calls the same token).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LocalSecrets {
  /** The bot's token; the local Webex accepts no other. */
  botToken: string;
  /** What the local call history accepts (`calls last 24h`). */
  adminToken: string;
  /** What the page presents to the eSIM endpoints, unless ESIM_PROVIDER_TOKEN is set. */
  esimToken: string;
  /** What the local Webex signs webhooks with. */
  webhookSecret: string;
}

const KEYS = ['botToken', 'adminToken', 'esimToken', 'webhookSecret'] as const;

const random = (): string => randomBytes(32).toString('hex');

function draw(): LocalSecrets {
  return {
    // Shaped like Webex tokens (three fields joined by _): the SDK splits a token into exactly three.
    botToken: `local_bot_${random()}`,
    adminToken: `local_admin_${random()}`,
    esimToken: random(),
    webhookSecret: random(),
  };
}

function stored(path: string): LocalSecrets | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const fields = (value ?? {}) as Record<string, unknown>;
  if (!KEYS.every((key) => typeof fields[key] === 'string' && (fields[key] as string).length >= 32)) {
    throw new Error(`${path} is damaged: delete it, and the offline mode draws new credentials at the next start.`);
  }
  return Object.fromEntries(KEYS.map((key) => [key, fields[key]])) as unknown as LocalSecrets;
}

/** The credentials kept at `path`; drawn and written (mode 0600) when there are none yet. */
export function localSecrets(path: string): LocalSecrets {
  const kept = stored(path);
  if (kept) {
    // Whoever loosened the file's mode: only the owner may read these.
    chmodSync(path, 0o600);
    return kept;
  }
  const secrets = draw();
  mkdirSync(dirname(path), { recursive: true });
  // Written whole under another name first, so a crash never leaves half a file.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return secrets;
}
