import type { ActivationDetails, IssueKind } from '../../domain/types.js';
import { formatDate } from '../format.js';
import { INSTALL_GUIDES, guidesText } from './installSteps.js';
import { SHEET_TEXT } from './userText.js';

/** Wording of the emails and of mail errors. Error sentences start lower-case with no final period: they sit inside dmFailed-style sentences. */
export const MAIL_TEXT = {
  subject: {
    assign: 'Activate your Webex Go business line',
    'new-code': 'Your new Webex Go activation code',
    'lost-stolen': 'Your old phone\'s Webex Go line is off: activate your new phone',
  } satisfies Record<IssueKind, string>,
  heading: {
    assign: 'Your Webex Go business line is ready to install',
    'new-code': 'Your new Webex Go activation code',
    'lost-stolen': 'The Webex Go line on your old phone was switched off',
  } satisfies Record<IssueKind, string>,
  lead: {
    assign:
      'Your Webex admin added a Webex Go business line for you: your business phone number in your phone\'s own dialer. Install it on your phone with the details below.',
    'new-code':
      'Your Webex admin generated a new activation code for your Webex Go business line. Any activation code you got before no longer works.',
    'lost-stolen':
      'Your Webex admin marked your old phone as lost or stolen, so the Webex Go line on it has been switched off for good. Install the line on your replacement phone with the new activation code below. Any activation code you got before no longer works.',
  } satisfies Record<IssueKind, string>,
  qrAlt: 'QR code of your Webex Go activation code',
  sameDevice: 'Reading this on the phone you are setting up? A phone can\'t scan its own screen: enter the details by hand instead.',
  detailsHeading: 'Or enter the details by hand',
  stepsHeading: 'How to install the line',
  /** The email an admin sends from their own mail program when notifications are off (a mailto: link). */
  handoverBody: (d: ActivationDetails) =>
    [
      'Hello,',
      '',
      'Your Webex Go business line is ready. From your phone\'s eSIM settings, enter:',
      `- iPhone: SM-DP+ address ${d.smdpAddress} and activation code ${d.matchingId}`,
      `- Android: network provider code ${d.networkProviderCode}`,
      `The code works once and expires on ${formatDate(d.expiresAt)}.`,
      '',
      guidesText(INSTALL_GUIDES),
      '',
      SHEET_TEXT.footer,
    ].join('\n'),
  privacy: 'Keep this email to yourself: anyone with this code can install your business line. If you did not expect it, tell your Webex admin.',

  deleted: {
    subject: 'Your Webex Go business line was deleted',
    heading: 'Your Webex Go business line was deleted',
    lead: 'Your Webex admin deleted your Webex Go business line. Business calls can no longer be made or answered from your phone\'s dialer.',
    removeIntro: 'The deactivated Webex Go line stays on your phone until you remove it by hand:',
    footer: 'Your other SIMs and your personal number are not affected. If you did not expect this, tell your Webex admin.',
  },

  errors: {
    badUrl:
      'the SMTP URL must look like smtp://user:password@mail.example.com:587 (or smtps://… for port 465)',
    badFrom: 'the sender address of the emails must be an email address like webex-go@example.com',
    connect: (server: string, reason: string) => `could not connect to ${server}: ${reason}`,
    refusedConnection: 'nothing accepts connections there (connection refused)',
    hostNotFound: 'the host name was not found',
    unreachable: 'the host cannot be reached from here',
    noAnswer: (time: string) => `no answer within ${time}`,
    noGreeting: (time: string) => `the connection opened but the server did not answer within ${time}`,
    tlsFailed: 'the secure (TLS) connection could not be set up',
    connectionClosed: (server: string) => `the connection to ${server} closed before the email was sent`,
    stalled: (server: string, time: string) => `the mail server ${server} stopped answering for ${time}`,
    deadline: (server: string, time: string) => `the mail server ${server} did not take the email within ${time}`,
    loginRefused: (server: string, response: string) => `the mail server ${server} refused the login: ${response}`,
    loginMissing: (server: string) =>
      `the mail server ${server} needs a login: put the user name and password in the SMTP URL`,
    refusedFor: (email: string, response: string) => `the mail server refused the message for ${email}: ${response}`,
    refused: (response: string) => `the mail server refused the message: ${response}`,
    failed: (detail: string) => `sending the email failed: ${detail}`,
    redacted: '[activation code]',
  },
} as const;
