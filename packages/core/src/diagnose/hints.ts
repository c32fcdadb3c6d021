/** What to do when a stage fails or warns: one hint per situation, in one table. */
export const DIAGNOSIS_HINTS = {
  network: 'the host cannot be reached — check the network, DNS and any proxy (a session retries this while it joins)',
  ttwid: 'no ttwid cookie was issued — try --cookie-file with the cookie of a browser that has the room open',
  roomNotFound: 'the room does not exist — check the URL or web_rid (the number in https://live.douyin.com/<web_rid>)',
  riskPage:
    'the room page was a risk-control (anti-bot) page — the join falls back on web/enter; if that fails too, try --cookie-file, another network, or later',
  pageFailed: 'the room page did not load — the join falls back on web/enter',
  notLive: 'the room is not live — wait for the live (sessions can: waitUntilLive) or pick a live room',
  enterRisk: 'web/enter gave no room data (risk control) — try --cookie-file, another network, or later',
  imFetch: 'im/fetch failed — optional: the socket connects without a cursor, so the first messages may be missing',
  signature: 'the signer failed — update douyin-live, or pass a working signer',
  handshakeRefused:
    'the signature or the browser fingerprint was refused; try --cookie-file, another network, or update',
  handshakeFailed: 'the WebSocket could not be opened — check the network, a proxy, or a firewall on wss:// traffic',
  noFrame:
    'connected but nothing arrives — the server accepted the socket and stays silent; a quiet room, or a refused visitor: try again, --cookie-file, or update',
  closedEarly: 'the server closed the socket — it may not accept this client any more; try --cookie-file or update',
  noMessage: 'frames arrive but no message — the room may be quiet; try again while something happens',
  acks: 'the server closed the socket after acks — the acks may be wrong; update douyin-live',
  heartbeat: 'the heartbeat was not answered — the server may drop this client soon; update douyin-live',
  guestGifts:
    'not logged in: nicknames are masked and Douyin withholds gifts from guests — pass --cookie-file with a logged-in cookie (sessionid)',
  budget: 'the diagnosis ran out of time — the network or the server is slow; raise --timeout',
} as const;
