/**
 * The four OBS overlays: chat, gift alerts, leaderboard, viewers. Each is one small HTML page on a transparent
 * background that opens `/ws` with the `?only=` it needs; the counting (combos, board, audience) is done on
 * the relay, so two overlays of one room always agree.
 */

/** The common page around an overlay's body and script. */
function overlayPage(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/overlay.css">
</head>
<body>
${body}
<script src="/assets/relay.js"></script>
<script>
${script}
</script>
</body>
</html>
`;
}

/** `/overlay/chat`: the latest `max` chat lines, newest at the bottom, masked guests marked. */
export const CHAT_OVERLAY_HTML = overlayPage(
  'douyin-live · chat',
  '<div id="chat" class="chat"></div>',
  String.raw`(function () {
  var R = window.DouyinRelay;
  R.applyStyle();
  var list = document.getElementById('chat');
  R.connect('chat', function (m) {
    if (m.kind !== 'message') return;
    var text = m.content || m.defaultContent || '';
    var line = R.el('div', 'item line');
    line.dataset.msgId = m.msgId;
    line.appendChild(R.nick(m.user));
    line.appendChild(R.el('span', 'text', text));
    list.appendChild(line);
    R.trim(list, R.options.max);
  });
})();`,
);

/** `/overlay/gifts`: one alert per combo streak, counting up, then its total and diamonds. */
export const GIFTS_OVERLAY_HTML = overlayPage(
  'douyin-live · gifts',
  '<div id="alerts" class="alerts"></div>',
  String.raw`(function () {
  var R = window.DouyinRelay;
  R.applyStyle();
  var list = document.getElementById('alerts');
  var alerts = new Map();
  R.connect('combo', function (e) {
    if (e.kind !== 'combo') return;
    var a = alerts.get(e.key);
    if (!a || a.ended) {
      if (a && a.ended && e.type !== 'start') return;
      var node = R.el('div', 'item alert');
      node.dataset.key = e.key;
      node.appendChild(R.nick(e.user));
      node.appendChild(R.el('span', 'gift', '送出 ' + e.gift.name));
      var count = R.el('span', 'count');
      node.appendChild(count);
      a = { node: node, count: count, ended: false };
      alerts.set(e.key, a);
      list.appendChild(node);
      R.trim(list, R.options.max);
    }
    a.count.textContent = '×' + e.count;
    if (e.type === 'end') {
      a.ended = true;
      a.node.classList.add('ended');
      a.node.appendChild(R.el('span', 'total', '共 ' + e.count + ' 个 · ' + R.number(e.diamonds) + ' 钻'));
      setTimeout(function () {
        if (a.node.parentNode) a.node.parentNode.removeChild(a.node);
        if (alerts.get(e.key) === a) alerts.delete(e.key);
      }, R.options.linger * 1000);
    }
  });
})();`,
);

/** `/overlay/leaderboard`: the room's top gifters by diamonds, live. */
export const LEADERBOARD_OVERLAY_HTML = overlayPage(
  'douyin-live · leaderboard',
  '<div id="board" class="board"></div>',
  String.raw`(function () {
  var R = window.DouyinRelay;
  R.applyStyle();
  var board = document.getElementById('board');
  var shown;
  R.connect('leaderboard', function (e) {
    if (e.kind !== 'leaderboard') return;
    // Without ?room=, the first room that reports is shown.
    shown = shown || e.room;
    if (e.room !== shown) return;
    board.textContent = '';
    e.entries.slice(0, R.options.max).forEach(function (entry) {
      var row = R.el('div', 'item row');
      row.appendChild(R.el('span', 'rank', entry.rank + '.'));
      row.appendChild(R.nick(entry.user));
      row.appendChild(R.el('span', 'diamonds', R.number(entry.diamonds) + ' 钻'));
      board.appendChild(row);
    });
  });
})();`,
);

/** `/overlay/viewers`: viewers online now and cumulative likes. */
export const VIEWERS_OVERLAY_HTML = overlayPage(
  'douyin-live · viewers',
  `<div class="audience">
<div class="item"><span class="label">在线</span><span id="viewers" class="value">–</span></div>
<div class="item"><span class="label">点赞</span><span id="likes" class="value">–</span></div>
</div>`,
  String.raw`(function () {
  var R = window.DouyinRelay;
  R.applyStyle();
  var viewers = document.getElementById('viewers');
  var likes = document.getElementById('likes');
  var shown;
  R.connect('audience', function (e) {
    if (e.kind !== 'audience') return;
    shown = shown || e.room;
    if (e.room !== shown) return;
    viewers.textContent = R.number(e.viewers);
    likes.textContent = R.number(e.likes);
  });
})();`,
);
