import type { NextFunction, Request, Response } from 'express';

/** `localhost`, `127.0.0.1` or `[::1]`, with any port: names no other site can give itself. */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

export const NOT_LOOPBACK = 'This offline server answers only requests addressed to localhost, 127.0.0.1 or [::1].';

/**
 * Offline, the server answers without a login and holds activation codes. A page on another site
 * can rebind its own name to 127.0.0.1 and reach this port, but its requests still carry that
 * name in `Host`: every request not addressed to a loopback name is refused, before any route.
 */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (LOOPBACK_HOST.test(req.headers.host ?? '')) return next();
  res.status(421).json({ error: NOT_LOOPBACK, reason: 'not-loopback' });
}
