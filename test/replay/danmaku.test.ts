// The danmaku generators on their own: lane assignment (no two comments of a lane ever overlap, checked by
// simulating every comment's position), overflow policy and its counts, timing and offsets, escaping of user
// text for ASS and SRT, and the options' validation.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isDouyinLiveError } from '@douyin-live/core';
import { encodeFrame, messageFactory, type BuiltMessage } from '@douyin-live/testing';
import type { RawFrameEvent } from '@douyin-live/recorder';
import {
  assTime,
  DanmakuLanes,
  danmakuLine,
  escapeAssText,
  escapeSrtText,
  estimateTextWidth,
  parseResolution,
  parseSignedDuration,
  resolveDanmakuOptions,
  runCli,
  srtTime,
  toAss,
  toSrt,
  type DanmakuComment,
  type DanmakuOptions,
} from '@douyin-live/replay-cli';
import { fixture, testContext, writeRecording } from './helpers.js';

/** A parsed `Dialogue` line: times in ms, the move, the text. */
interface Dialogue {
  startMs: number;
  endMs: number;
  x1: number;
  y: number;
  x2: number;
  text: string;
}

const TIME = /(\d+):(\d\d):(\d\d)\.(\d\d)/;
const ms = (t: string) => {
  const [, h, m, s, cs] = TIME.exec(t)!;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(cs) * 10;
};

function dialogues(ass: string): Dialogue[] {
  return ass
    .split('\n')
    .filter((l) => l.startsWith('Dialogue: '))
    .map((line) => {
      const fields = line.slice('Dialogue: '.length).split(',');
      const text = fields.slice(9).join(',');
      const move = /^\{\\move\((-?\d+),(-?\d+),(-?\d+),(-?\d+)\)\}/.exec(text);
      expect(move).not.toBeNull();
      expect(move![2]).toBe(move![4]);
      return {
        startMs: ms(fields[1]!),
        endMs: ms(fields[2]!),
        x1: Number(move![1]),
        y: Number(move![2]),
        x2: Number(move![3]),
        text: text.slice(move![0].length),
      };
    });
}

/** Left edge of a dialogue at time `t`, by the linear \move the renderer performs. */
const xAt = (d: Dialogue, t: number) => d.x1 + ((d.x2 - d.x1) * (t - d.startMs)) / (d.endMs - d.startMs);

/**
 * Every pair of comments in one lane, at every 10 ms both are on screen: the later one's left edge stays at
 * least `gap` px right of the earlier one's right edge (its width is `-x2`, the move ends just off screen).
 */
function expectNoOverlap(list: readonly Dialogue[], width: number, gap: number): number {
  let checked = 0;
  let closest = Infinity;
  const byLane = new Map<number, Dialogue[]>();
  for (const d of list) byLane.set(d.y, [...(byLane.get(d.y) ?? []), d]);
  for (const lane of byLane.values()) {
    for (let i = 0; i < lane.length; i++) {
      for (let j = i + 1; j < lane.length; j++) {
        const [a, b] = lane[i]!.startMs <= lane[j]!.startMs ? [lane[i]!, lane[j]!] : [lane[j]!, lane[i]!];
        for (let t = b.startMs; t <= Math.min(a.endMs, b.endMs); t += 10) {
          const aRight = xAt(a, t) - a.x2;
          // Only while both are on screen: once a's right edge is past the left border, nothing can overlap.
          if (aRight <= 0 || xAt(b, t) >= width) continue;
          checked++;
          closest = Math.min(closest, xAt(b, t) - aRight);
        }
      }
    }
  }
  // 1 px of slack: the renderer's times are centiseconds.
  if (checked > 0) expect(closest).toBeGreaterThanOrEqual(gap - 1);
  return checked;
}

/** A busy room: bursts of comments of mixed scripts and lengths. */
function busyComments(n: number): DanmakuComment[] {
  const texts = [
    '666',
    '主播好！',
    'hello 主播',
    '哈哈哈哈哈哈哈哈哈哈哈哈',
    'WWWWWWWWWW mmmmmm',
    '好',
    '这个好看，下次还来',
    'lol',
  ];
  return Array.from({ length: n }, (_, i) => ({
    atMs: Math.floor(i / 7) * 400 + (i % 3) * 15,
    text: texts[(i * 5) % texts.length]!,
    nickname: i % 4 === 0 ? '夜***' : `viewer${i % 11}`,
    masked: i % 4 === 0,
  }));
}

describe('lane assignment', () => {
  const options = { width: 640, height: 360, fontSize: 20, lanes: 6, durationMs: 4000, maxDelayMs: 2000 } as const;

  it('never lets two comments of one lane overlap, wide and fast ones included', () => {
    const { text, stats } = toAss(busyComments(300), options);
    const list = dialogues(text);
    expect(list).toHaveLength(stats.written);
    const resolved = resolveDanmakuOptions(options);
    expect(expectNoOverlap(list, 640, resolved.gapPx)).toBeGreaterThan(1000);
    // Every lane used, each at its own row, all inside the picture.
    const rows = [...new Set(list.map((d) => d.y))].sort((a, b) => a - b);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5].map((lane) => lane * resolved.laneHeight + 2));
    expect(list.every((d) => d.x1 === 640 && d.x2 < 0 && d.endMs - d.startMs === 4000)).toBe(true);
    // The busy room overflowed: some waited, some were dropped, and every comment is accounted for.
    expect(stats.delayed).toBeGreaterThan(0);
    expect(stats.droppedBusy).toBeGreaterThan(0);
    expect(stats.maxDelayMs).toBeLessThanOrEqual(2000);
    expect(stats.written + stats.droppedBusy + stats.droppedBeforeStart).toBe(stats.comments);
  });

  it('fills lanes from the top, and a comment that would catch up with a slower one waits', () => {
    const lanes = new DanmakuLanes(resolveDanmakuOptions({ ...options, lanes: 2 }));
    const short = lanes.place({ atMs: 0, text: '好' })!;
    const other = lanes.place({ atMs: 0, text: '好' })!;
    expect([short.lane, other.lane]).toEqual([0, 1]);
    // Right after the short one entered fully, a long (faster) comment would still run into it: it waits.
    const long = lanes.place({ atMs: 600, text: '这是一条很长很长很长很长很长很长的弹幕' })!;
    expect(long.lane).toBe(0);
    expect(long.delayMs).toBeGreaterThan(0);
    const speed = (640 + long.widthPx) / 4000;
    // When the short one leaves at the left edge, the long one's head is still at least the gap behind.
    expect(640 - speed * (short.endMs - long.startMs)).toBeGreaterThanOrEqual(lanes.options.gapPx);
  });

  it('drops instead of delaying with overflow "drop", and counts it', () => {
    const burst = Array.from({ length: 10 }, (_, i) => ({ atMs: 1000, text: `comment ${i}` }));
    const dropped = toAss(burst, { ...options, lanes: 3, overflow: 'drop' });
    expect(dialogues(dropped.text).map((d) => d.startMs)).toEqual([1000, 1000, 1000]);
    expect(dropped.stats).toMatchObject({ comments: 10, written: 3, delayed: 0, droppedBusy: 7 });

    const delayed = toAss(burst, { ...options, lanes: 3, overflow: 'delay', maxDelayMs: 60_000 });
    expect(delayed.stats).toMatchObject({ comments: 10, written: 10, delayed: 7, droppedBusy: 0 });
    expectNoOverlap(dialogues(delayed.text), 640, resolveDanmakuOptions(options).gapPx);
  });
});

describe('timing', () => {
  it('shifts by the offset, rounds to centiseconds and drops what lands before the start', () => {
    const comments = [
      { atMs: 500, text: 'too early' },
      { atMs: 2004, text: 'a' },
      { atMs: 61_236, text: 'b' },
    ];
    const { text, stats } = toAss(comments, { offsetMs: -1000, durationMs: 8000 });
    expect(dialogues(text).map((d) => [d.startMs, d.endMs])).toEqual([
      [1000, 9000],
      [60_240, 68_240],
    ]);
    expect(stats).toMatchObject({ comments: 3, written: 2, droppedBeforeStart: 1 });

    const srt = toSrt(comments, { offsetMs: -1000, durationMs: 2500 });
    expect(srt.text).toBe('1\n00:00:01,004 --> 00:00:03,504\na\n\n2\n00:01:00,236 --> 00:01:02,736\nb\n\n');
    expect(srt.stats).toMatchObject({ written: 2, droppedBeforeStart: 1 });
  });

  it('formats ASS and SRT times', () => {
    expect(assTime(0)).toBe('0:00:00.00');
    expect(assTime(3_723_456)).toBe('1:02:03.46');
    expect(srtTime(3_723_456)).toBe('01:02:03,456');
  });
});

describe('text', () => {
  it('shows nicknames as asked, masked guests only with "all"', () => {
    const masked = { atMs: 0, text: '你好', nickname: '夜***', masked: true };
    const named = { atMs: 0, text: '你好', nickname: 'Alice', masked: false };
    expect([danmakuLine(masked, 'all'), danmakuLine(named, 'all')]).toEqual(['夜***: 你好', 'Alice: 你好']);
    expect([danmakuLine(masked, 'unmasked'), danmakuLine(named, 'unmasked')]).toEqual(['你好', 'Alice: 你好']);
    expect([danmakuLine(masked, 'none'), danmakuLine(named, 'none')]).toEqual(['你好', '你好']);
  });

  it('escapes ASS override blocks, backslash escapes and line breaks in user text', () => {
    expect(escapeAssText('{\\fs200}big')).toBe('\\{\\\u2060fs200\\}big');
    expect(escapeAssText('a\\Nb\\hc\\n')).toBe('a\\\u2060Nb\\\u2060hc\\\u2060n');
    expect(escapeAssText('line one\nline two\r\n')).toBe('line one line two');
    const { text } = toAss([{ atMs: 0, text: '{\\pos(0,0)}hi\n', nickname: 'x}y', masked: false }]);
    const line = text.split('\n').find((l) => l.startsWith('Dialogue'))!;
    // Exactly one override block (our \move) survives; the user's braces are literal.
    expect(line.match(/(?<!\\)\{/g)).toHaveLength(1);
    expect(line).toMatch(/\)\}x\\\}y: \\\{\\\u2060pos\(0,0\)\\\}hi$/);
  });

  it('keeps SRT cues one line with no markup from user text', () => {
    expect(escapeSrtText('<b>bold</b> {\\an8} a\\Nb\n\nnext')).toBe(
      '<\u2060b>bold<\u2060/b> ｛\\\u2060an8｝ a\\\u2060Nb next',
    );
    // A blank line inside the text would end the cue: the cue count must stay the comment count.
    const { text } = toSrt([
      { atMs: 0, text: 'one\n\n2\n00:00:00,000 --> 00:00:01,000\nfake' },
      { atMs: 10, text: 'two' },
    ]);
    expect(text.trimEnd().split('\n\n')).toHaveLength(2);
  });

  it('estimates CJK characters 0.9 of the font size wide and Latin narrower (libass checks it in the ffmpeg test)', () => {
    expect(estimateTextWidth('你好呀', 20)).toBe(54);
    expect(estimateTextWidth('666', 20)).toBe(30);
    expect(estimateTextWidth('iii', 20)).toBeLessThan(estimateTextWidth('WWW', 20));
    expect(estimateTextWidth('e\u0301', 20)).toBe(10);
  });
});

describe('options', () => {
  const code = (options: DanmakuOptions) => {
    try {
      resolveDanmakuOptions(options);
      return 'ok';
    } catch (error) {
      return isDouyinLiveError(error) ? error.code : String(error);
    }
  };

  it('derives font size and lanes from the picture, and validates everything', () => {
    const d = resolveDanmakuOptions();
    expect(d).toMatchObject({ width: 1920, height: 1080, fontSize: 45, durationMs: 8000, overflow: 'delay' });
    expect(d.lanes * d.laneHeight).toBeLessThanOrEqual(540);
    expect(resolveDanmakuOptions({ height: 360 }).fontSize).toBe(15);
    for (const bad of [
      { lanes: 0 },
      { lanes: 1.5 },
      { lanes: 100 },
      { fontSize: -3 },
      { width: 0 },
      { durationMs: 0 },
      { maxDelayMs: -1 },
      { offsetMs: Number.NaN },
      { font: 'Evil,Font' },
      { opacity: 0 },
      { opacity: 1.5 },
      { nicknames: 'some' as never },
      { overflow: 'queue' as never },
    ]) {
      expect([bad, code(bad)]).toEqual([bad, ErrorCodes.INVALID_ARGUMENT]);
    }
  });

  it('parses resolutions and signed durations', () => {
    expect(parseResolution('1280x720')).toEqual({ width: 1280, height: 720 });
    expect(parseResolution('640×360')).toEqual({ width: 640, height: 360 });
    expect(() => parseResolution('720p')).toThrow(/1920x1080/);
    expect(parseSignedDuration('12.5s')).toBe(12_500);
    expect(parseSignedDuration('-1m30s')).toBe(-90_000);
    expect(parseSignedDuration('-4')).toBe(-4000);
    expect(() => parseSignedDuration('soon')).toThrow(/not a duration/);
  });
});

describe('douyin-live export --format ass|srt arguments', () => {
  it('rejects danmaku options with other formats, ASS-only options with SRT, and bad values, before writing', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'csv', '--lanes', '3'], /--lanes only apply to --format ass or srt \[INVALID_ARGUMENT\]/],
      [['--format', 'srt', '--font-size', '30'], /--font-size only apply to --format ass .*\[INVALID_ARGUMENT\]/],
      [['--format', 'ass', '--resolution', '720p'], /resolution must look like 1920x1080/],
      [['--format', 'ass', '--resolution', '640x360', '--width', '100'], /not both/],
      [['--format', 'ass', '--lanes', '40', '--height', '360'], /do not fit in a picture 360 px high/],
      [['--format', 'ass', '--offset', 'later'], /not a duration/],
      [['--format', 'srt', '--video-start', 'yesterday'], /video-start must be a date-time/],
      [['--format', 'ass', '--only', 'chit'], /unknown kind "chit"/],
    ];
    for (const [args, message] of cases) {
      const ctx = testContext();
      const output = join(tmpdir(), `never-written-${process.pid}.ass`);
      expect(await runCli(['export', fixture('quiet-room'), '-o', output, ...args], ctx)).toBe(1);
      expect(ctx.errors.join('\n')).toMatch(message);
      expect(existsSync(output)).toBe(false);
    }
  });
});

describe('douyin-live export --offset', () => {
  it('takes a negative time as the next argument, and reports what it dropped', async () => {
    const ctx = testContext();
    expect(
      await runCli(['export', fixture('quiet-room'), '--format', 'srt', '--offset', '-1.5s', '-o', '-'], ctx),
    ).toBe(0);
    const cues = ctx.lines.join('\n').trimEnd().split('\n\n');
    expect(cues.length).toBeGreaterThan(0);
    expect(ctx.errors.at(-1)).toMatch(
      new RegExp(`^exported ${cues.length} of \\d+ comments to stdout: \\d+ dropped \\(before the video starts\\)$`),
    );
  });
});

describe('gifts as danmaku', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dyrec-danmaku-gifts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows each combo streak once with its count: at its end marker, after a silence, or at the end', async () => {
    const start = 1_700_000_000_000;
    const f = messageFactory({ now: () => start });
    const rose = { name: 'Rose', diamondCount: 1 };
    let logId = 7_100_000_000_000_000_000n;
    const frame = (atMs: number, messages: BuiltMessage[]): RawFrameEvent => ({
      direction: 'in',
      connection: 1,
      bytes: encodeFrame({ logId: String(logId++), response: { messages } }),
      at: start + atMs,
    });
    const streak = (user: string, groupId: string, count: number, end: boolean) =>
      f.gift({ user, ...rose, groupId, repeatCount: count, repeatEnd: end });
    const events: RawFrameEvent[] = [{ direction: 'open', connection: 1, url: 'wss://x/', headers: {}, at: start }];
    // Alice: a streak of 5 with its end marker at 1.4 s (and the end marker repeated by a reconnect).
    const aliceEnd = streak('Alice', '11', 5, true);
    for (let i = 1; i <= 4; i++) events.push(frame(1000 + i * 100 - 100, [streak('Alice', '11', i, false)]));
    events.push(frame(1400, [aliceEnd]), frame(1500, [aliceEnd]));
    // Bob: 3 roses, end marker lost; nothing for him after 2.2 s, so the streak is over 3 s later.
    for (let i = 1; i <= 3; i++) events.push(frame(2000 + i * 100 - 100, [streak('Bob', '22', i, false)]));
    events.push(frame(2300, [f.gift({ user: 'Carol', name: 'Rocket', diamondCount: 100, combo: false })]));
    // A chat of only line breaks and spaces is no comment at all.
    events.push(frame(6000, [f.chat('Dave', 'nice'), f.chat('Zed', ' \n\r\n ')]));
    // Eve: still open when the recording ends.
    events.push(frame(8000, [streak('Eve', '33', 1, false)]), frame(8100, [streak('Eve', '33', 2, false)]));
    events.push({ direction: 'close', connection: 1, code: 1000, reason: 'bye', at: start + 8200 });
    const recording = join(dir, 'gifts.dyrec');
    await writeRecording(recording, events);

    const ctx = testContext();
    const args = ['export', recording, '--format', 'srt', '--only', 'chat,gift', '--nicknames', 'all', '-o', '-'];
    expect(await runCli(args, ctx)).toBe(0);
    const cues = ctx.lines
      .join('\n')
      .trimEnd()
      .split('\n\n')
      .map((cue) => cue.split('\n').slice(1).join(' | '));
    expect(cues).toEqual([
      '00:00:01,400 --> 00:00:09,400 | Alice: sent Rose ×5',
      '00:00:02,300 --> 00:00:10,300 | Carol: sent Rocket ×1',
      '00:00:05,200 --> 00:00:13,200 | Bob: sent Rose ×3',
      '00:00:06,000 --> 00:00:14,000 | Dave: nice',
      // Still open when the recording ended: shown at its end.
      '00:00:08,200 --> 00:00:16,200 | Eve: sent Rose ×2',
    ]);
  });
});

describe('which messages become comments', () => {
  it('turns likes, entries, follows and the live end into short lines, and leaves viewer counts out', async () => {
    const ctx = testContext();
    const only = 'chat,like,member,social,control,viewers';
    expect(
      await runCli(
        ['export', fixture('quiet-room'), '--format', 'srt', '--only', only, '--nicknames', 'all', '-o', '-'],
        ctx,
      ),
    ).toBe(0);
    const texts = ctx.lines.map((cue) => cue.split('\n')[2]!);
    expect(texts.some((t) => /^.\*\*\*: entered$/.test(t))).toBe(true);
    expect(texts.some((t) => /^.\*\*\*: liked ×\d+$/.test(t))).toBe(true);
    expect(texts.some((t) => /^.\*\*\*: (followed|shared the room)$/.test(t))).toBe(true);
    expect(texts.at(-1)).toBe('live ended');
    expect(texts.filter((t) => /online|viewers|\d+ total/.test(t))).toEqual([]);
  });
});
