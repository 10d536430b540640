/**
 * The webhook endpoint: the signature is checked on the raw bytes, in constant time, before the
 * event is delivered (the framework's own check re-serializes the body and answers 200 even when
 * it fails).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { HTTP_MESSAGES } from '../render/messages/http.js';
import { sendError } from './errors.js';

/** Webex deliveries are small; anything larger is refused before its signature is checked. */
const WEBHOOK_BODY_LIMIT = '1mb';

export function signatureMatches(rawBody: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  const presented = Buffer.from(signature, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The shape every Webex webhook delivery has; anything else never reaches the framework. */
function isWebhookEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { resource, event, data } = value as Record<string, unknown>;
  return typeof resource === 'string' && typeof event === 'string' && typeof data === 'object' && data !== null;
}

export function webhookRouter(secret: string | undefined, deliver: (event: unknown) => Promise<unknown>, log: (line: string) => void): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!secret || !signatureMatches(raw, secret, req.get('x-spark-signature'))) {
      sendError(res, 401, 'bad-signature', HTTP_MESSAGES.badSignature);
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      sendError(res, 400, 'bad-json', HTTP_MESSAGES.badJson);
      return;
    }
    if (!isWebhookEvent(event)) {
      sendError(res, 400, 'not-an-event', HTTP_MESSAGES.notAnEvent);
      return;
    }
    res.status(200).json({ ok: true });
    deliver(event).catch((e: unknown) => log(`webhook event failed: ${(e as Error).message}`));
  });
  return router;
}
