import type { NextFunction, Request, Response } from 'express';
import { HTTP_MESSAGES } from '../render/messages/http.js';

/** Every HTTP error answers {"error": sentence for a person, "reason": code}. */
export function sendError(res: Response, status: number, reason: string, error: string): void {
  res.status(status).json({ error, reason });
}

/** What body-parser reports, as the clear 4xx it deserves. */
const BODY_ERRORS: Record<string, (error: { limit?: number }) => [number, string, string]> = {
  'entity.parse.failed': () => [400, 'bad-json', HTTP_MESSAGES.badJson],
  'entity.too.large': (error) => [413, 'too-large', HTTP_MESSAGES.tooLarge(error.limit ?? 0)],
  'encoding.unsupported': () => [415, 'not-json', HTTP_MESSAGES.notJson],
  'charset.unsupported': () => [415, 'not-json', HTTP_MESSAGES.notJson],
  'request.aborted': () => [400, 'aborted', HTTP_MESSAGES.badJson],
  'request.size.invalid': () => [400, 'bad-json', HTTP_MESSAGES.badJson],
};

export function errorHandler(log: (line: string) => void) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { type, code, limit } = (error ?? {}) as { type?: unknown; code?: unknown; limit?: number };
    const known = typeof type === 'string' ? BODY_ERRORS[type]?.({ ...(limit === undefined ? {} : { limit }) }) : undefined;
    if (known) {
      sendError(res, known[0], known[1], known[2]);
      return;
    }
    // A compressed body that does not decompress: zlib's own error codes.
    if (typeof code === 'string' && code.startsWith('Z_')) {
      sendError(res, 400, 'bad-encoding', HTTP_MESSAGES.badEncoding);
      return;
    }
    log(`HTTP handler failed: ${(error as Error)?.message ?? String(error)}`);
    sendError(res, 500, 'internal', HTTP_MESSAGES.internal);
  };
}
