import type { ReconnectPolicy } from './options.js';

/** What to do after a connection closed with a code (§4.6, after jwwsjlm's table). */
export type CloseDecision = 'reconnect' | 'check-live';

/** Codes after which the server meant it (normal close, bad data, policy): ask web/enter before going on. */
const CHECK_LIVE_CODES = new Set([1000, 1007, 1008]);

/** The one close-code table: every other code (1001, 1006, 1011–1013, ...) reconnects. */
export function decideOnClose(code: number): CloseDecision {
  return CHECK_LIVE_CODES.has(code) ? 'check-live' : 'reconnect';
}

/**
 * Backoff before attempt `attempt` (0-based): exponential from `initialDelayMs`, capped, plus jitter, and at
 * least the close code's minimum (1001 → 2 s, 1012 → 3 s, 1013 → 5 s by default).
 */
export function reconnectDelay(
  policy: ReconnectPolicy,
  attempt: number,
  closeCode: number | undefined,
  random: () => number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  const floor = closeCode !== undefined ? (policy.closeCodeDelayMs[closeCode] ?? 0) : 0;
  return Math.max(exponential, floor) + Math.floor(random() * policy.jitterMs);
}
