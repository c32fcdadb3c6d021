/**
 * `/`: the relay's dashboard — every room with its state, viewers, likes, message count and live rate (from
 * `/api/rooms`, once a second), the latest messages (from `/ws`), and links to each room's overlays.
 */

/** The dashboard page. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>douyin-live relay</title>
<style>
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; margin: 1.5em; background: #14161a; color: #e8e8e8; }
h1 { font-size: 1.3em; margin: 0 0 0.8em; }
h2 { font-size: 1.05em; margin: 1.4em 0 0.5em; color: #aab; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35em 0.7em; border-bottom: 1px solid #2a2d33; white-space: nowrap; }
th { color: #99a; font-weight: normal; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
.state-live { color: #6fdc8c; }
.state-ended, .state-closed { color: #999; }
.state-reconnecting, .state-stalled { color: #f0c05a; }
a { color: #7fb4ff; margin-right: 0.6em; }
#messages { list-style: none; padding: 0; margin: 0; font-size: 0.95em; }
#messages li { padding: 0.2em 0; border-bottom: 1px solid #1f2126; }
.room, .kind { color: #889; margin-right: 0.6em; }
.nick { color: #ffd36b; margin-right: 0.5em; }
.nick.masked { font-style: italic; }
.badge { font-size: 0.7em; border: 1px solid currentColor; border-radius: 0.5em; padding: 0 0.3em; margin-left: 0.3em; }
#status { color: #889; font-size: 0.9em; margin-left: 0.6em; }
</style>
</head>
<body>
<h1>douyin-live relay <span id="status">connecting…</span></h1>
<table>
<thead><tr><th>room</th><th>title</th><th>state</th><th class="num">viewers</th><th class="num">likes</th><th class="num">messages</th><th class="num">msg/s</th><th>overlays</th></tr></thead>
<tbody id="rooms"></tbody>
</table>
<h2>latest messages</h2>
<ul id="messages"></ul>
<script src="/assets/relay.js"></script>
<script>
(function () {
  var R = window.DouyinRelay;
  var rooms = document.getElementById('rooms');
  var messages = document.getElementById('messages');
  var status = document.getElementById('status');
  var MAX_MESSAGES = 50;

  function summary(m) {
    if (m.content) return m.content;
    if (m.method === 'WebcastGiftMessage') return '送出 ' + (m.gift ? m.gift.name : '礼物') + ' ×' + (m.repeatCount || 1);
    if (m.method === 'WebcastLikeMessage') return '点赞 ×' + m.count;
    if (m.method === 'WebcastMemberMessage') return '来了';
    if (m.method === 'WebcastSocialMessage') return m.type === 'share' ? '分享了直播间' : '关注了主播';
    if (m.method === 'WebcastRoomUserSeqMessage') return '在线 ' + R.number(m.total);
    return m.method.replace(/^Webcast/, '');
  }

  function refresh() {
    R.api('/api/rooms').then(function (data) {
      status.textContent = data.clients + ' clients';
      rooms.textContent = '';
      data.rooms.forEach(function (r) {
        var tr = document.createElement('tr');
        tr.dataset.room = r.room;
        tr.appendChild(R.el('td', 'key', r.room));
        tr.appendChild(R.el('td', 'title', r.title || ''));
        tr.appendChild(R.el('td', 'state state-' + r.state, r.state));
        tr.appendChild(R.el('td', 'num viewers', R.number(r.viewers)));
        tr.appendChild(R.el('td', 'num likes', R.number(r.likes)));
        tr.appendChild(R.el('td', 'num messages', R.number(r.messages)));
        tr.appendChild(R.el('td', 'num rate', r.rate.toFixed(1)));
        var links = R.el('td', 'links');
        ['chat', 'gifts', 'leaderboard', 'viewers'].forEach(function (o) {
          var a = R.el('a', '', o);
          a.href = '/overlay/' + o + R.withToken({ room: r.room });
          links.appendChild(a);
        });
        tr.appendChild(links);
        rooms.appendChild(tr);
      });
    }).catch(function (err) {
      status.textContent = String(err.message || err);
    });
  }

  R.connect('', function (m) {
    if (m.kind !== 'message') return;
    var li = document.createElement('li');
    li.appendChild(R.el('span', 'room', m.room));
    li.appendChild(R.el('span', 'kind', m.method.replace(/^Webcast|Message$/g, '')));
    if (m.user) li.appendChild(R.nick(m.user));
    li.appendChild(R.el('span', 'text', summary(m)));
    messages.insertBefore(li, messages.firstChild);
    while (messages.children.length > MAX_MESSAGES) messages.removeChild(messages.lastElementChild);
  });
  refresh();
  setInterval(refresh, 1000);
})();
</script>
</body>
</html>
`;
