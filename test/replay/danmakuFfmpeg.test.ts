// `douyin-live export --format ass|srt` checked with a real renderer: ffmpeg (libass) burns the exported file into
// six seconds of black test video and reads every frame's brightest pixel (signalstats YMAX). Frames where a
// comment is due must show something, frames where none is due must stay black, and the lanes must be where
// the layout put them (cropped bands of the picture).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame, messageFactory } from '@douyin-live/testing';
import type { RawFrameEvent } from '@douyin-live/recorder';
import { assHeader, escapeAssText, estimateTextWidth, resolveDanmakuOptions, runCli } from '@douyin-live/replay-cli';
import { testContext, writeRecording } from './helpers.js';

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;
if (!HAS_FFMPEG) {
  // CI installs ffmpeg (.ci/run), so there a missing ffmpeg is a failure, never a skip.
  if (process.env['CI']) throw new Error('ffmpeg is not installed: the danmaku burn-in test needs it');
  console.warn(
    'SKIPPING the danmaku ffmpeg tests: ffmpeg is not installed (apt-get install ffmpeg fonts-wqy-microhei)',
  );
}
const describeWithFfmpeg = HAS_FFMPEG ? describe : describe.skip;

const START = 1_700_000_000_000;
const VIDEO_SECONDS = 6;
const FPS = 10;
const SIZE = { width: 640, height: 360 };
const FONT_SIZE = 24;
/** Lane height the export uses for this font size (1.25 em). */
const LANE_PX = 30;
/** Each comment takes this long to cross the picture. */
const DURATION_S = 2;
/** The video started half a second after the recording: `--offset=-0.5s`. */
const OFFSET_S = -0.5;
/** Brightest luma of limited-range black (16) plus a little; white text reaches 235. */
const BLACK_MAX = 20;
const LIT_MIN = 150;
/** Frames this close to a comment's entry or exit are not judged (the text is only partly in the picture). */
const EDGE_S = 0.25;

/** The recording: chat at 1.5 s (two at once) and 4.5 s, plus messages the default `--only chat` leaves out. */
function events(): RawFrameEvent[] {
  const f = messageFactory({ now: () => START });
  let logId = 7_000_000_000_000_000_000n;
  const frame = (atMs: number, messages: ReturnType<typeof f.chat>[]): RawFrameEvent => ({
    direction: 'in',
    connection: 1,
    bytes: encodeFrame({ logId: String(logId++), response: { messages } }),
    at: START + atMs,
  });
  return [
    { direction: 'open', connection: 1, url: 'wss://push.example/webcast/im/push/v2/', headers: {}, at: START },
    frame(200, [f.member('小明', 1200)]),
    frame(1500, [f.chat('Alice', '你好呀 danmaku'), f.chat('小明', 'second lane 第二条')]),
    frame(2500, [f.like('Alice', 5, 5)]),
    frame(4500, [f.chat({ nickname: '夜***', id: '111111' }, '第三条 third')]),
    { direction: 'close', connection: 1, code: 1000, reason: 'bye', at: START + 7000 },
  ];
}

/** When the comments are due in the video: [start, end) in seconds. */
const DUE = [
  [1.5 + OFFSET_S, 1.5 + OFFSET_S + DURATION_S],
  [4.5 + OFFSET_S, 4.5 + OFFSET_S + DURATION_S],
] as const;

let dir: string;
let recording: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-danmaku-'));
  recording = join(dir, 'room.dyrec');
  await writeRecording(recording, events());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: dir }, (error, _out, stderr) =>
      error ? reject(new Error(`ffmpeg ${args.join(' ')} failed: ${stderr}`)) : resolve(),
    ),
  );
}

/**
 * Burns `subtitleFilter` into the black test video, optionally crops a band of rows, and returns each frame's
 * time and brightest luma.
 */
async function frameLuma(
  subtitleFilter: string,
  band?: { y: number; h: number },
): Promise<{ t: number; ymax: number }[]> {
  const stats = `luma-${Math.random().toString(36).slice(2)}.txt`;
  const crop = band ? `,crop=${SIZE.width}:${band.h}:0:${band.y}` : '';
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=${SIZE.width}x${SIZE.height}:d=${VIDEO_SECONDS}:r=${FPS}`,
    '-vf',
    `${subtitleFilter}${crop},signalstats,metadata=mode=print:key=lavfi.signalstats.YMAX:file=${stats}`,
    '-f',
    'null',
    '-',
  ]);
  // Pairs of lines: `frame:N pts:P pts_time:T` then `lavfi.signalstats.YMAX=V`.
  const frames: { t: number; ymax: number }[] = [];
  let t = NaN;
  for (const line of readFileSync(join(dir, stats), 'utf8').split('\n')) {
    const time = /pts_time:([\d.]+)/.exec(line);
    if (time) t = Number(time[1]);
    const ymax = /YMAX=(\d+)/.exec(line);
    if (ymax) frames.push({ t, ymax: Number(ymax[1]) });
  }
  expect(frames).toHaveLength(VIDEO_SECONDS * FPS);
  return frames;
}

/** Frames well inside a window (lit) and frames outside every window (black). */
function split(frames: { t: number; ymax: number }[], windows: readonly (readonly [number, number])[]) {
  const inside = frames.filter(({ t }) => windows.some(([a, b]) => t >= a + EDGE_S && t <= b - EDGE_S));
  const outside = frames.filter(({ t }) => windows.every(([a, b]) => t < a || t > b));
  // Both sets are substantial, so neither check can pass vacuously.
  expect(inside.length).toBeGreaterThanOrEqual(10);
  expect(outside.length).toBeGreaterThanOrEqual(15);
  return { inside, outside };
}

async function exportTo(name: string, format: 'ass' | 'srt', extra: readonly string[]): Promise<string[]> {
  const ctx = testContext();
  expect(
    await runCli(
      [
        'export',
        recording,
        '--format',
        format,
        '-o',
        join(dir, name),
        `--offset=${OFFSET_S}s`,
        '--duration',
        `${DURATION_S}s`,
        ...extra,
      ],
      ctx,
    ),
  ).toBe(0);
  return ctx.errors;
}

describeWithFfmpeg('danmaku burnt in with ffmpeg', () => {
  const assArgs = [
    '--resolution',
    `${SIZE.width}x${SIZE.height}`,
    '--font-size',
    String(FONT_SIZE),
    '--lanes',
    '4',
    '--font',
    'WenQuanYi Micro Hei',
    '--nicknames',
    'all',
  ];

  it('ASS: frames light up exactly while a comment is due, in the lanes the layout chose', async () => {
    const errors = await exportTo('chat.ass', 'ass', assArgs);
    expect(errors.at(-1)).toBe(`exported 3 of 3 comments to ${join(dir, 'chat.ass')}`);
    const script = readFileSync(join(dir, 'chat.ass'), 'utf8');
    expect(script).toContain('{\\move(640,3,');
    expect(script).toContain('夜***: 第三条 third');

    const whole = split(await frameLuma('ass=chat.ass'), DUE);
    expect(whole.inside.filter((f) => f.ymax < LIT_MIN)).toEqual([]);
    expect(whole.outside.filter((f) => f.ymax > BLACK_MAX)).toEqual([]);

    // Lane 1 (the second comment of the pair at 1.0 s) is lit only during the first window: the comment at
    // 4.0 s went back to lane 0, the topmost free one.
    const lane1 = split(await frameLuma('ass=chat.ass', { y: LANE_PX + 4, h: LANE_PX - 8 }), [DUE[0]]);
    expect(lane1.inside.filter((f) => f.ymax < LIT_MIN)).toEqual([]);
    expect(lane1.outside.filter((f) => f.ymax > BLACK_MAX)).toEqual([]);

    // Lanes 2 and 3 were never needed: black in every frame.
    const rest = await frameLuma('ass=chat.ass', { y: 2 * LANE_PX + 4, h: 2 * LANE_PX - 4 });
    expect(rest.filter((f) => f.ymax > BLACK_MAX)).toEqual([]);
  });

  it('--opacity dims the comments the renderer draws', async () => {
    await exportTo('dim.ass', 'ass', [...assArgs, '--opacity', '0.5']);
    const { inside, outside } = split(await frameLuma('ass=dim.ass'), DUE);
    // Half-transparent white over black lands near the middle of the luma range (16–235), never at full white.
    expect(inside.filter((f) => f.ymax < 90 || f.ymax > 160)).toEqual([]);
    expect(outside.filter((f) => f.ymax > BLACK_MAX)).toEqual([]);
  });

  it('--video-start gives the same script as the equivalent --offset', async () => {
    await exportTo('offset.ass', 'ass', assArgs);
    const ctx = testContext();
    const videoStart = new Date(START - OFFSET_S * 1000).toISOString();
    expect(
      await runCli(
        [
          'export',
          recording,
          '--format',
          'ass',
          '-o',
          join(dir, 'start.ass'),
          '--video-start',
          videoStart,
          '--duration',
          `${DURATION_S}s`,
          ...assArgs,
        ],
        ctx,
      ),
    ).toBe(0);
    expect(readFileSync(join(dir, 'start.ass'), 'utf8')).toBe(readFileSync(join(dir, 'offset.ass'), 'utf8'));
  });

  it('SRT: rendered by the subtitles filter, lit while a cue is up and black otherwise', async () => {
    const errors = await exportTo('chat.srt', 'srt', ['--nicknames', 'unmasked']);
    expect(errors.at(-1)).toBe(`exported 3 of 3 comments to ${join(dir, 'chat.srt')}`);
    const srt = readFileSync(join(dir, 'chat.srt'), 'utf8');
    expect(srt).toContain('00:00:01,000 --> 00:00:03,000\nAlice: 你好呀 danmaku\n');
    // The masked guest's stub is left out with --nicknames unmasked.
    expect(srt).toContain('00:00:04,000 --> 00:00:06,000\n第三条 third\n');

    const whole = split(await frameLuma('subtitles=chat.srt'), DUE);
    expect(whole.inside.filter((f) => f.ymax < LIT_MIN)).toEqual([]);
    expect(whole.outside.filter((f) => f.ymax > BLACK_MAX)).toEqual([]);
  });

  it('estimates text widths at or above what libass draws, and not far above', async () => {
    // One text per second at a fixed position; cropdetect reports the lit box of each frame.
    const texts = [
      '666',
      '主播好！',
      'hello 主播',
      'WWWWWWWWWW',
      'mmmm iiii llll',
      'ABCDEFGHIJKLM',
      'abcdefghijklmnopqrstuvwxyz',
      '0123456789',
      '[微笑][微笑]',
      '😀😀😀',
      'привет мир',
      'こんにちは',
      '안녕하세요',
      '这个好看，下次还来',
      'user_9e2768e2: 来了来了',
      'ｈｅｌｌｏ！？',
    ];
    const fontSize = 40;
    const options = resolveDanmakuOptions({ width: 1280, height: 120, fontSize, font: 'WenQuanYi Micro Hei' });
    const at = (s: number) => `0:00:${String(s).padStart(2, '0')}.00`;
    const script = [
      assHeader(options),
      ...texts.map((t, i) => `Dialogue: 0,${at(i)},${at(i + 1)},Danmaku,,0,0,0,,{\\pos(10,10)}${escapeAssText(t)}`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'widths.ass'), script);
    const boxes = `boxes-${process.pid}.txt`;
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=black:s=1280x120:d=${texts.length}:r=1`,
      '-vf',
      `ass=widths.ass,cropdetect=limit=0.1:round=1:reset=1:skip=0,metadata=mode=print:file=${boxes}`,
      '-f',
      'null',
      '-',
    ]);
    const x1 = [...readFileSync(join(dir, boxes), 'utf8').matchAll(/cropdetect\.x1=(\d+)/g)].map((m) => Number(m[1]));
    const x2 = [...readFileSync(join(dir, boxes), 'utf8').matchAll(/cropdetect\.x2=(\d+)/g)].map((m) => Number(m[1]));
    const rows = texts.map((text, i) => {
      const drawn = x2[i]! - x1[i]! + 1;
      const estimated = estimateTextWidth(text, fontSize);
      return { text, drawn, estimated, ratio: Number((estimated / drawn).toFixed(2)) };
    });
    expect(rows.filter((r) => !(r.drawn > fontSize / 2))).toEqual([]);
    expect(rows.filter((r) => r.estimated < r.drawn)).toEqual([]);
    expect(rows.filter((r) => r.ratio > 1.35)).toEqual([]);
  });
});
