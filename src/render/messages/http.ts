/** Answers of the eSIM provider endpoints that are not refusals of the domain, and of the webhook endpoint. */
export const HTTP_MESSAGES = {
  unauthorized: 'This endpoint needs "Authorization: Bearer <ESIM_PROVIDER_TOKEN>".',
  badSignature: 'The X-Spark-Signature header is missing or does not match WEBHOOK_SECRET.',
  notFound: 'There is no such endpoint. The eSIM endpoints are POST /esim/v1/download and POST /esim/v1/events.',
  badJson: 'The body is not valid JSON.',
  tooLarge: (limitBytes: number) => `The body is larger than ${Math.round(limitBytes / 1024)} KB.`,
  badEncoding: 'The body is not valid for its Content-Encoding (gzip, deflate or br).',
  notAnEvent: 'The body is not a Webex webhook event: it needs "resource", "event" and "data".',
  notJson: 'Send the body as JSON with "Content-Type: application/json".',
  fieldMissing: (field: string, example: string) => `"${field}" is missing or not a string. Send for example ${example}.`,
  internal: 'Something went wrong on our side. Try again in a moment.',
  webhookNotReady: 'The bot is still connecting to Webex.',
  webhookStopping: 'This instance is stopping: another one takes the delivery.',
} as const;
