/**
 * The script and style sheet every relay page loads (`/assets/relay.js`, `/assets/overlay.css`): served by the
 * relay itself, so pages work offline and in OBS with no CDN.
 */

/**
 * `window.DouyinRelay`: the page's options from its own query string (`room`, `max`, `fontSize`, `theme`,
 * `linger`, `token`), a WebSocket on `/ws` that carries the token along, and small DOM helpers. Every
 * value from the stream is put into the page as text, never as HTML.
 */
export const RELAY_CLIENT_JS = String.raw`(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var token = params.get('token');

  function withToken(query) {
    var q = new URLSearchParams(query);
    if (token) q.set('token', token);
    var s = q.toString();
    return s ? '?' + s : '';
  }

  function int(name, fallback) {
    var v = params.get(name);
    return v === null ? fallback : Number(v);
  }

  var options = {
    room: params.get('room') || undefined,
    max: int('max', 10),
    fontSize: int('fontSize', 24),
    theme: params.get('theme') || 'dark',
    linger: int('linger', 8),
  };

  function applyStyle() {
    document.documentElement.style.setProperty('--font-size', options.fontSize + 'px');
    document.body.classList.add('theme-' + options.theme);
  }

  /**
   * Opens /ws with the page's room and token and calls onEvent with each parsed object; reconnects after a
   * drop. A WebSocket, not an EventSource: browsers (and OBS) allow only 6 HTTP streams per host, and a scene
   * with several overlays and the dashboard would use them up.
   */
  function connect(only, onEvent, onStatus) {
    var query = {};
    if (only) query.only = only;
    if (options.room) query.rooms = options.room;
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + withToken(query);
    var delay = 500;
    function open() {
      var socket = new WebSocket(url);
      socket.onopen = function () {
        delay = 500;
        document.body.dataset.connected = 'true';
        if (onStatus) onStatus(true);
      };
      socket.onmessage = function (e) {
        var event;
        try {
          event = JSON.parse(e.data);
        } catch (err) {
          console.error('relay: not JSON', e.data);
          return;
        }
        onEvent(event);
      };
      socket.onclose = function () {
        document.body.dataset.connected = 'false';
        if (onStatus) onStatus(false);
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 10000);
      };
    }
    open();
  }

  function api(path) {
    return fetch(path + withToken({})).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  }

  /** Creates an element with a class and text. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** A nickname element; masked guests (not logged in) are marked as such, not shown as real names. */
  function nick(user) {
    var span = el('span', 'nick' + (user && user.masked ? ' masked' : ''), user ? user.nickname || '?' : '?');
    if (user && user.masked) {
      span.title = 'nickname hidden by Douyin (guest session)';
      span.appendChild(el('span', 'badge', '访客'));
    }
    return span;
  }

  function number(n) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
  }

  /** Drops the oldest children over max. */
  function trim(list, max) {
    while (list.children.length > max) list.removeChild(list.firstElementChild);
  }

  window.DouyinRelay = {
    options: options,
    applyStyle: applyStyle,
    connect: connect,
    api: api,
    el: el,
    nick: nick,
    number: number,
    trim: trim,
    withToken: withToken,
  };
})();
`;

/** The overlays' shared style: transparent page (for OBS), three themes, size from `?fontSize=`. */
export const OVERLAY_CSS = String.raw`html, body {
  background: transparent;
  margin: 0;
  padding: 0;
}
:root {
  --font-size: 24px;
}
body {
  font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif;
  font-size: var(--font-size);
  line-height: 1.35;
  overflow: hidden;
}
.item {
  display: block;
  width: fit-content;
  max-width: calc(100% - 1em);
  margin: 0.25em 0.5em;
  padding: 0.2em 0.6em;
  border-radius: 0.8em;
  word-break: break-word;
}
.theme-dark .item { background: rgba(0, 0, 0, 0.6); color: #fff; }
.theme-light .item { background: rgba(255, 255, 255, 0.85); color: #111; }
.theme-outline .item {
  color: #fff;
  text-shadow: -1px -1px 0 #000, 1px -1px 0 #000, -1px 1px 0 #000, 1px 1px 0 #000, 0 0 4px #000;
}
.nick { font-weight: bold; margin-right: 0.5em; }
.theme-dark .nick, .theme-outline .nick { color: #ffd36b; }
.theme-light .nick { color: #b5420c; }
.nick.masked { font-style: italic; opacity: 0.85; }
.badge {
  font-size: 0.6em;
  font-style: normal;
  margin-left: 0.4em;
  padding: 0 0.4em;
  border: 1px solid currentColor;
  border-radius: 0.5em;
  vertical-align: middle;
}
.alert .count { font-weight: bold; font-size: 1.3em; margin-left: 0.3em; }
.alert.ended .total { margin-left: 0.6em; opacity: 0.9; }
.board .rank { display: inline-block; min-width: 1.6em; font-weight: bold; }
.board .diamonds { margin-left: 0.6em; }
.audience .value { font-weight: bold; margin: 0 0.4em; }
`;
