import type { BrowserProfile } from '../room/pushParams.js';

/** Chrome major versions a session rotates through after a 1013 or repeated failures (§4.6). */
const CHROME_MAJORS = [134, 133, 135, 132, 136] as const;
const CHROME = /Chrome\/(\d+)\.0\.0\.0/;

/**
 * The profile to try next after the server hinted at overload or a blocked fingerprint: the same browser with
 * another Chrome major version (jwwsjlm rotates the User-Agent on 1013 and after 2–3 failures). A User-Agent
 * that names no Chrome version is returned unchanged.
 */
export function nextBrowserProfile(profile: BrowserProfile): BrowserProfile {
  const match = CHROME.exec(profile.userAgent);
  if (!match) return profile;
  const current = Number(match[1]);
  const at = CHROME_MAJORS.indexOf(current as (typeof CHROME_MAJORS)[number]);
  const next = CHROME_MAJORS[(at + 1) % CHROME_MAJORS.length]!;
  return { ...profile, userAgent: profile.userAgent.replace(CHROME, `Chrome/${next}.0.0.0`) };
}
