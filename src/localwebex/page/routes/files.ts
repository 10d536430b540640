/** Files attached to messages: images show in the page, anything else (the PDF sheet) downloads. */
import express, { type Router } from 'express';
import type { FakeWebex } from '../../fakeWebex.js';
import { PageError, param, sendStoredFile } from '../http.js';
import { INLINE_IMAGE_TYPES } from '../views.js';

export function fileRoutes(fake: FakeWebex): Router {
  const api = express.Router();
  api.get('/files/:contentId', (req, res) => {
    const id = param(req, 'contentId');
    const file = fake
      .messages()
      .flatMap((m) => m.files ?? [])
      .find((f) => f.id === id);
    if (!file) throw new PageError(404, 'No such file.');
    sendStoredFile(res, file, INLINE_IMAGE_TYPES);
  });
  return api;
}
