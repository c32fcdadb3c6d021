/**
 * The relay's pages by path: the dashboard, the overlays and their shared script and style sheet.
 */
import { OVERLAY_CSS, RELAY_CLIENT_JS } from './assets.js';
import { DASHBOARD_HTML } from './dashboard.js';
import { CHAT_OVERLAY_HTML, GIFTS_OVERLAY_HTML, LEADERBOARD_OVERLAY_HTML, VIEWERS_OVERLAY_HTML } from './overlays.js';

/** A page the relay serves. */
export interface RelayPage {
  readonly contentType: string;
  readonly body: string;
  /** Overlays take `?room=&max=&fontSize=&theme=&linger=`, checked by the server (400 on a bad value). */
  readonly overlay: boolean;
}

const HTML = 'text/html; charset=utf-8';

/** Every page by path. */
export const RELAY_PAGES: Readonly<Record<string, RelayPage>> = {
  '/': { contentType: HTML, body: DASHBOARD_HTML, overlay: false },
  '/overlay/chat': { contentType: HTML, body: CHAT_OVERLAY_HTML, overlay: true },
  '/overlay/gifts': { contentType: HTML, body: GIFTS_OVERLAY_HTML, overlay: true },
  '/overlay/leaderboard': { contentType: HTML, body: LEADERBOARD_OVERLAY_HTML, overlay: true },
  '/overlay/viewers': { contentType: HTML, body: VIEWERS_OVERLAY_HTML, overlay: true },
  '/assets/relay.js': { contentType: 'text/javascript; charset=utf-8', body: RELAY_CLIENT_JS, overlay: false },
  '/assets/overlay.css': { contentType: 'text/css; charset=utf-8', body: OVERLAY_CSS, overlay: false },
};

/** The page at a path (a trailing slash is ignored), or undefined. */
export function pageOf(pathname: string): RelayPage | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return Object.hasOwn(RELAY_PAGES, path) ? RELAY_PAGES[path] : undefined;
}
