import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isRefusal, type RefusalReason } from '../domain/refusal.js';
import type { WebexGoService } from '../domain/service.js';
import { sendError } from './errors.js';
import { HTTP_MESSAGES } from '../render/messages/http.js';
import { refusalMessage } from '../render/messages/refusals.js';

/** How each refusal of the phone side answers over HTTP: status and machine-readable reason. */
const REFUSAL_HTTP: Partial<Record<RefusalReason, [number, string]>> = {
  'code-malformed': [400, 'malformed'],
  'iccid-malformed': [400, 'malformed'],
  'unknown-event': [400, 'unknown-event'],
  'code-unknown': [404, 'unknown'],
  'iccid-unknown': [404, 'unknown'],
  'code-used': [409, 'used'],
  'code-invalidated': [410, 'invalidated'],
  'code-expired': [410, 'expired'],
  'profile-revoked': [410, 'revoked'],
};

/** Constant-time token check; hashing first makes the lengths equal. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function requireBearer(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // No token configured: deny everyone rather than run open.
    if (!token || !match || !tokenMatches(match[1], token)) {
      sendError(res, 401, 'unauthorized', HTTP_MESSAGES.unauthorized);
      return;
    }
    next();
  };
}

function stringField(req: Request, res: Response, field: string, example: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(res, 400, 'not-json', HTTP_MESSAGES.notJson);
    return undefined;
  }
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'string') {
    sendError(res, 400, 'malformed', HTTP_MESSAGES.fieldMissing(field, example));
    return undefined;
  }
  return value;
}

/** The eSIM provider's calls: a phone redeemed a code, or its line changed. */
export function esimRoutes(service: WebexGoService, token: string | undefined): Router {
  const router = express.Router();
  router.use(requireBearer(token));
  router.use(express.json({ limit: '64kb' }));

  const answerRefusal = (res: Response, error: unknown, next: NextFunction) => {
    const mapping = isRefusal(error) ? REFUSAL_HTTP[error.reason] : undefined;
    if (isRefusal(error) && mapping) sendError(res, mapping[0], mapping[1], refusalMessage(error, 'en'));
    else next(error);
  };

  router.post('/download', async (req, res, next) => {
    const code = stringField(req, res, 'activationCode', '{"activationCode": "LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815"}');
    if (code === undefined) return;
    try {
      const { iccid, device } = await service.download(code);
      res.json({ iccid, status: device.status });
    } catch (error) {
      answerRefusal(res, error, next);
    }
  });

  router.post('/events', async (req, res, next) => {
    const example = '{"iccid": "8988247000001234567", "event": "disabled"}';
    const iccid = stringField(req, res, 'iccid', example);
    if (iccid === undefined) return;
    const event = stringField(req, res, 'event', example);
    if (event === undefined) return;
    try {
      const device = await service.phoneEvent(iccid, event);
      res.json({ status: device.status });
    } catch (error) {
      answerRefusal(res, error, next);
    }
  });

  return router;
}
