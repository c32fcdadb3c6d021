/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Every overlay and the dashboard in headless Chromium (Debian's package, driven by playwright-core), against a
// relay fed by the simulator: what a streamer would see, asserted on the page's text. Screenshots go to
// test-output/relay/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { scenario } from '@douyin-live/testing';
import { ROOM, simRelay } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'relay');
const TOKEN = 'obs-token';

// On CI Chromium is installed by .ci/run; elsewhere a missing browser skips these tests, loudly.
const haveChromium = existsSync(CHROMIUM) || process.env['CI'] === 'true';
if (!haveChromium) console.warn(`SKIPPED: relay browser tests need ${CHROMIUM} (apt-get install chromium)`);
const describeBrowser = haveChromium ? describe : describe.skip;

/** The live the overlays show: chat (one guest with a masked name), likes, a 10-gift combo, viewers changing. */
const LIVE = scenario()
  .viewers(1000)
  .chat('小明', '大家好')
  .chat('用户***', '我是游客')
  .like('小红', 5)
  .after('300ms')
  .gift('小红', '玫瑰', { combo: 10, diamonds: 1 })
  .gift('小刚', '加油鸭', { combo: 3, diamonds: 15 })
  .gift('老王', '嘉年华', { single: true, diamonds: 3000 })
  .after('1200ms')
  .chat('小红', '送你玫瑰')
  .viewers(1500)
  .after('300ms')
  .end();

/** Text of every element matching a selector. */
function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => nodes.map((n) => (n.textContent ?? '').trim()));
}

describeBrowser('overlays and dashboard in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(() => browser?.close());

  it('shows chat, one alert per gift streak ending at its total, the leaderboard and the viewer count', async () => {
    const r = await simRelay({ scenario: LIVE }, { token: TOKEN });
    const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
    // Below jest's own limit, so a missing element fails with what was awaited.
    context.setDefaultTimeout(20_000);
    try {
      const open = async (path: string): Promise<Page> => {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const sep = path.includes('?') ? '&' : '?';
        const response = await page.goto(`${r.relay.url}${path}${sep}token=${TOKEN}`);
        expect([path, response?.status()]).toEqual([path, 200]);
        // The token in the page's own URL is carried to /events: the stream opens.
        await page.waitForFunction(() => document.body.dataset['connected'] === 'true');
        expect(errors).toEqual([]);
        return page;
      };
      const chat = await open(`/overlay/chat?room=${ROOM}&max=5`);
      const gifts = await open(`/overlay/gifts?room=${ROOM}&linger=600`);
      const board = await open(`/overlay/leaderboard?room=${ROOM}&theme=light`);
      const viewers = await open(`/overlay/viewers?room=${ROOM}&theme=outline&fontSize=40`);
      const dashboard = await open('/');
      // What a scene in OBS looks like: the four overlays as browser sources over the stream's picture.
      const stream = await context.newPage();
      await stream.setViewportSize({ width: 960, height: 540 });
      const frame = (path: string, style: string) =>
        `<iframe src="${r.relay.url}${path}&token=${TOKEN}" style="position:absolute;border:0;background:transparent;${style}"></iframe>`;
      await stream.setContent(
        `<body style="margin:0;width:960px;height:540px;background:linear-gradient(135deg,#3a6073,#16222a 60%,#6d4c41)">` +
          frame(`/overlay/chat?room=${ROOM}&max=6&fontSize=20`, 'left:0;bottom:0;width:420px;height:300px') +
          frame(`/overlay/gifts?room=${ROOM}&linger=600&fontSize=20`, 'left:0;top:0;width:520px;height:200px') +
          frame(`/overlay/leaderboard?room=${ROOM}&fontSize=20&theme=light`, 'right:0;top:0;width:300px;height:200px') +
          frame(
            `/overlay/viewers?room=${ROOM}&fontSize=20&theme=outline`,
            'right:0;bottom:0;width:220px;height:110px',
          ) +
          '</body>',
      );
      for (const f of stream.frames().slice(1)) {
        await f.waitForFunction(() => document.body.dataset['connected'] === 'true');
      }

      // Record every value the viewer count and the gift counters show, so changes cannot go unseen.
      await viewers.evaluate(() => {
        const w = window as unknown as { seen: string[] };
        w.seen = [];
        const node = document.getElementById('viewers')!;
        new MutationObserver(() => w.seen.push(node.textContent ?? '')).observe(node, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await gifts.evaluate(() => {
        const w = window as unknown as { counts: string[] };
        w.counts = [];
        new MutationObserver(() => {
          for (const alert of document.querySelectorAll('.alert')) {
            if (alert.textContent?.includes('玫瑰')) w.counts.push(alert.querySelector('.count')?.textContent ?? '');
          }
        }).observe(document.getElementById('alerts')!, { childList: true, characterData: true, subtree: true });
      });

      await r.join();

      // Chat: nicknames and text; the guest whose name Douyin masked is marked as such.
      await chat.waitForFunction(() => document.body.textContent?.includes('送你玫瑰'));
      expect(await texts(chat, '.line')).toEqual(['小明大家好', '用户***访客我是游客', '小红送你玫瑰']);
      expect(await texts(chat, '.nick.masked')).toEqual(['用户***访客']);

      // Gifts: one alert per streak; the 10-rose combo counted up and ended at 10.
      await gifts.waitForFunction(() =>
        [...document.querySelectorAll('.alert.ended')].some((a) => a.textContent?.includes('玫瑰')),
      );
      await gifts.waitForFunction(() => document.querySelectorAll('.alert.ended').length === 3);
      const alerts = await texts(gifts, '.alert');
      expect(alerts.filter((a) => a.includes('玫瑰'))).toEqual(['小红送出 玫瑰×10共 10 个 · 10 钻']);
      expect(alerts).toContain('小刚送出 加油鸭×3共 3 个 · 45 钻');
      expect(alerts).toContain('老王送出 嘉年华×1共 1 个 · 3,000 钻');
      const counts = await gifts.evaluate(() => (window as unknown as { counts: string[] }).counts);
      const shown = [...new Set(counts)].map((c) => Number(c.slice(1)));
      expect(shown.length).toBeGreaterThan(1); // it counted up on screen...
      expect(shown).toEqual([...shown].sort((a, b) => a - b)); // ...never down...
      expect(shown.at(-1)).toBe(10); // ...to 10

      // Leaderboard: by diamonds.
      await board.waitForFunction(() => document.querySelectorAll('.row').length === 3);
      expect(await texts(board, '.row')).toEqual(['1.老王3,000 钻', '2.小刚45 钻', '3.小红10 钻']);

      // Viewers: the count changed from 1,000 to 1,500; the likes are the room's total.
      await viewers.waitForFunction(() => document.getElementById('viewers')?.textContent === '1,500');
      const seen = await viewers.evaluate(() => (window as unknown as { seen: string[] }).seen);
      expect(seen.indexOf('1,000')).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf('1,000')).toBeLessThan(seen.indexOf('1,500'));
      expect(await viewers.textContent('#likes')).toBe('5');
      // Overlays are transparent for OBS, and styled by the query.
      expect(await viewers.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
      expect(await viewers.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('40px');

      // Dashboard: the room, its state and counts, and the latest messages.
      await dashboard.waitForFunction(
        (room) => document.querySelector(`tr[data-room="${room}"] .state`)?.textContent === 'ended',
        ROOM,
      );
      const relayed = r.relay.rooms()[0]!;
      await dashboard.waitForFunction(
        ([room, n]) => document.querySelector(`tr[data-room="${room}"] .messages`)?.textContent === n,
        [ROOM, relayed.messages.toLocaleString('en-US')] as const,
      );
      expect(await dashboard.textContent(`tr[data-room="${ROOM}"] .viewers`)).toBe('1,500');
      expect(await dashboard.textContent('#messages')).toContain('大家好');
      expect(await dashboard.getAttribute(`tr[data-room="${ROOM}"] a`, 'href')).toBe(
        `/overlay/chat?room=${ROOM}&token=${TOKEN}`,
      );

      const [, streamChat, streamGifts, streamBoard, streamViewers] = stream.frames();
      await streamChat!.waitForFunction(() => document.body.textContent?.includes('送你玫瑰'));
      await streamGifts!.waitForFunction(() => document.querySelectorAll('.alert.ended').length === 3);
      await streamBoard!.waitForFunction(() => document.querySelectorAll('.row').length === 3);
      await streamViewers!.waitForFunction(() => document.getElementById('viewers')?.textContent === '1,500');
      for (const [name, page] of Object.entries({ chat, gifts, board, viewers, dashboard, stream })) {
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      }
      await gifts.screenshot({ path: join(SCREENSHOTS, 'gifts-transparent.png'), omitBackground: true });
    } finally {
      await r.close();
      await context.close().catch(() => undefined); // already gone if the browser was closed first
    }
  }, 60_000);
});
