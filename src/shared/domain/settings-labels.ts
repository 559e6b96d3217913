import type { Settings } from './settings'

/**
 * Every setting in plain words, for the Settings page (the API and the audit log keep the names). Typed
 * against Settings, so a new setting without its words does not compile.
 */
export const SETTING_LABELS: { [S in keyof Settings]: Record<keyof Settings[S], string> } = {
  mailbox: {
    warnHardBounces: 'Warn a mailbox at this many hard bounces…',
    warnWindowSends: '…within its last this many sends (warning)',
    pauseHardBounces: 'Pause a mailbox at this many hard bounces…',
    pauseWindowSends: '…within its last this many sends (pause)',
    pauseHardBounceRate: 'Or pause a mailbox at this hard-bounce rate…',
    pauseRateMinSends: '…once the mailbox has at least this many sends',
    pauseDeliveryFailures: 'Pause a mailbox at this many delivery failures…',
    deliveryFailureWindowSends: '…within its last this many sends (delivery failures)',
  },
  campaign: {
    pauseDegradedMailboxShare: 'Pause a campaign when this share of its mailboxes is degraded…',
    pauseMinDegradedMailboxes: '…and at least this many of them',
  },
  domain: {
    warnUnhealthyMailboxShare: 'Warn a domain when this share of its mailboxes is unhealthy',
    pauseUnhealthyMailboxShare: 'Pause a domain when this share of its mailboxes is unhealthy',
    pauseHardBounceRate: 'Or pause a domain at this hard-bounce rate…',
    pauseRateMinSends: "…over at least this many of the domain's sends",
    rateWindowDays: "Days a domain's rate is measured over",
  },
  account: {
    pauseBounceRate: 'Stop all sending at this bounce rate…',
    pauseBounceMinSends: '…over at least this many sends (bounces)',
    pauseComplaintRate: 'Stop all sending at this complaint rate…',
    pauseComplaintMinSends: '…over at least this many sends (complaints)',
    pauseComplaintsSmallVolume: 'Below that many sends, stop at this many complaints…',
    smallVolumeWindowDays: '…within this many days',
    rateWindowDays: "Days the account's rates are measured over",
  },
  sending: {
    globalDailyCap: 'Daily hard cap, all campaigns together',
    delayMeanSeconds: 'Average delay between sends (seconds)',
    delaySdSeconds: 'Spread of the delay, standard deviation (seconds)',
    delayMinSeconds: 'Shortest delay (seconds)',
    delayMaxSeconds: 'Longest delay (seconds)',
    sendToRiskyAddresses: 'Send to risky addresses (catch-all, unknown, grey-listed)',
  },
  security: {
    loginMaxFailures: 'Failed sign-ins that lock an account (per window)',
    loginMaxFailuresPerClient: 'Failed sign-ins that lock a client address (per window)',
    loginWindowMinutes: 'Lockout window (minutes)',
    sessionHours: 'Session length (hours)',
  },
}
