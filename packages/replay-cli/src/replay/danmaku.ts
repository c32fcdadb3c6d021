/**
 * Danmaku (弹幕) subtitles from timed messages: scrolling ASS comments in bilibili-style lanes, and SRT cues.
 * Pure functions and one small stateful lane layout; `douyin-live export --format ass|srt` feeds them from a
 * replay, in recording order.
 *
 * Lanes: every ASS comment is a `Dialogue` with `\move(W, y, -w, y)`, entering at the right edge at its time and
 * leaving at the left edge one duration later, so a wide comment moves faster than a short one. A lane takes a
 * new comment only when its last comment's tail has cleared the right edge by a gap *and* the new, possibly
 * faster comment cannot catch up with it before it leaves; the topmost such lane wins. Comment widths are
 * estimated from the characters (a CJK character as 0.9 of the font size), on the generous side.
 */
import type { GiftComboEnd, LiveMessage } from '@douyin-live/core';
import { resolveDanmakuOptions, type DanmakuOptions, type ResolvedDanmakuOptions } from './danmakuOptions.js';

/** How a comment is styled: chat in white, gifts in gold, everything else (likes, entries, ...) in grey. */
export type DanmakuStyle = 'chat' | 'gift' | 'event';

/** One comment to show, at its time in the recording. */
export interface DanmakuComment {
  /** Recording time of the frame that carried it, in ms since the recording started. */
  readonly atMs: number;
  /** The text (user text, unescaped). */
  readonly text: string;
  /** The sender's nickname, if any. */
  readonly nickname?: string | undefined;
  /** Whether the server masked the sender (`夜***`). */
  readonly masked?: boolean | undefined;
  /** Styling class. @defaultValue `'chat'` */
  readonly style?: DanmakuStyle | undefined;
}

/** Where and when one comment scrolls. */
export interface DanmakuPlacement {
  readonly comment: DanmakuComment;
  /** Video time it enters at, in ms (its recording time + offset, + any delay), a multiple of 10 ms. */
  readonly startMs: number;
  /** Video time it has left the picture, in ms. */
  readonly endMs: number;
  /** Lane index, 0 at the top. */
  readonly lane: number;
  /** Top of the text, in px. */
  readonly y: number;
  /** Estimated width of the shown line (nickname included), in px. */
  readonly widthPx: number;
  /** How long it waited for a lane, in ms (0 when a lane was free). */
  readonly delayMs: number;
}

/** What happened to the comments given so far. */
export interface DanmakuStats {
  /** Comments given. */
  comments: number;
  /** Comments written out. */
  written: number;
  /** Written later than their time because every lane was busy (ASS). */
  delayed: number;
  /** Longest such delay, in ms. */
  maxDelayMs: number;
  /** Dropped because every lane stayed busy (`overflow: 'drop'`, or longer than `maxDelayMs`). */
  droppedBusy: number;
  /** Dropped because the offset put them before the video's start. */
  droppedBeforeStart: number;
}

/** ASS and SRT times have centisecond and millisecond resolution; lanes are laid out on the coarser one. */
const ASS_TICK_MS = 10;

/** Word joiner (U+2060): invisible, and stops a renderer from reading `\N` or `<b>` as markup. */
const WORD_JOINER = '\u2060';

/**
 * The comment a message becomes, or undefined for messages with nothing to show (viewer-count updates, unknown
 * methods). Chat is its text; gifts show only at the end of a combo streak (or when not a combo gift), with the
 * streak's count; likes, entries, follows, shares and the live's end a short English line; fans-club and room
 * notices their text.
 */
export function danmakuCommentOf(message: LiveMessage, atMs: number): DanmakuComment | undefined {
  if ('unknown' in message) return undefined;
  const from = (user: { nickname: string; masked: boolean } | undefined) =>
    user === undefined ? {} : { nickname: user.nickname, masked: user.masked };
  switch (message.method) {
    case 'WebcastChatMessage':
    case 'WebcastScreenChatMessage':
      // Whitespace-only chat (line breaks, spaces) would be an empty comment, or a bare `nickname: `.
      return oneLine(message.content) !== ''
        ? { atMs, text: message.content, style: 'chat', ...from(message.user) }
        : undefined;
    case 'WebcastEmojiChatMessage':
      return { atMs, text: message.defaultContent || '[emoji]', style: 'chat', ...from(message.user) };
    case 'WebcastGiftMessage': {
      // A combo streak repeats the message with a growing count: show it once, at its end.
      if (message.gift.combo && !message.repeatEnd) return undefined;
      const count = Math.max(1, message.repeatCount) * Math.max(1, message.groupCount);
      const name = message.gift.name || `gift ${message.giftId}`;
      return { atMs, text: `sent ${name} ×${count}`, style: 'gift', ...from(message.user) };
    }
    case 'WebcastLikeMessage':
      return { atMs, text: `liked ×${message.count}`, style: 'event', ...from(message.user) };
    case 'WebcastMemberMessage':
      return { atMs, text: 'entered', style: 'event', ...from(message.user) };
    case 'WebcastSocialMessage':
      return {
        atMs,
        text: message.type === 'follow' ? 'followed' : message.type === 'share' ? 'shared the room' : 'social',
        style: 'event',
        ...from(message.user),
      };
    case 'WebcastControlMessage':
      return message.liveEnded ? { atMs, text: 'live ended', style: 'event' } : undefined;
    case 'WebcastRoomUserSeqMessage':
    case 'WebcastRoomStatsMessage':
      // Counters change every few seconds: a scrolling comment each time would drown the chat.
      return undefined;
    case 'WebcastFansclubMessage':
      return message.content ? { atMs, text: message.content, style: 'event', ...from(message.user) } : undefined;
    case 'WebcastRoomMessage':
      return message.content ? { atMs, text: message.content, style: 'event' } : undefined;
    default:
      // Methods without a kind (rank updates, fan tickets, unknown ones) are not something viewers wrote.
      return undefined;
  }
}

/** The comment for a gift streak counted once by core's `giftCombos({ emit: 'end' })`: `sent Rose ×10`. */
export function danmakuCommentOfCombo(combo: GiftComboEnd, atMs: number): DanmakuComment {
  const name = combo.gift.name || `gift ${combo.gift.id}`;
  return {
    atMs,
    text: `sent ${name} ×${combo.total}`,
    style: 'gift',
    nickname: combo.user.nickname,
    masked: combo.user.masked,
  };
}

/** The line shown for a comment: `nickname: text` when nicknames are shown for this sender, else the text. */
export function danmakuLine(comment: DanmakuComment, nicknames: ResolvedDanmakuOptions['nicknames']): string {
  const text = oneLine(comment.text);
  const nickname = comment.nickname !== undefined ? oneLine(comment.nickname) : '';
  const show = nickname !== '' && (nicknames === 'all' || (nicknames === 'unmasked' && comment.masked !== true));
  return show ? `${nickname}: ${text}` : text;
}

/** Line breaks and other control characters become spaces: one comment is one line. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/**
 * Estimated width of one line of text, in px, for a font of `fontSize` px as ASS sizes fonts (the size is the
 * line height, so a CJK glyph is about 0.8 of it): wide characters (CJK, kana, hangul, full-width forms, emoji)
 * 0.9, Latin letters and digits about half, narrow punctuation less. Calibrated on libass with WenQuanYi Micro
 * Hei and biased 10–20% high (`test/replay/danmakuFfmpeg.test.ts` measures it), so estimates err towards more
 * space between comments.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charEm(ch.codePointAt(0)!);
  return Math.ceil(em * fontSize);
}

// Measured at 40 px in libass (WenQuanYi Micro Hei, DejaVu / Noto fallbacks), in units of the font size:
// CJK 0.81, full-width forms 0.85, emoji 0.86, a–z 0.42, A–Z 0.51, digits 0.46, m/W 0.74, i l . , : ! | 0.2–0.27.
const EM_WIDE = 0.9;
const EM_WIDE_LATIN = 0.8;
const EM_UPPER = 0.6;
const EM_LATIN = 0.5;
const EM_NARROW = 0.3;
const EM_OTHER_ALPHABET = 0.55;

function charEm(cp: number): number {
  // Combining marks, zero-width spaces and joiners, variation selectors: no advance of their own.
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    cp === 0x2060 ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) {
    return 0;
  }
  if (cp < 0x80) {
    const ch = String.fromCodePoint(cp);
    if (/[ il|.,:;'!`j[\]()]/.test(ch)) return EM_NARROW;
    if (/[mwMW@%]/.test(ch)) return EM_WIDE_LATIN;
    if (/[A-Z&#]/.test(ch)) return EM_UPPER;
    return EM_LATIN;
  }
  // Latin-1 supplement to Cyrillic: alphabetic scripts of about Latin width.
  if (cp < 0x530) return EM_OTHER_ALPHABET;
  // Everything else (CJK, kana, hangul, full-width forms, symbols, emoji, unknown scripts) counts as wide.
  return EM_WIDE;
}

/** ASS Dialogue text: `\` can no longer start an escape (`\N`, `\h`), and `{` `}` are literal braces. */
export function escapeAssText(text: string): string {
  return oneLine(text)
    .replace(/\\/g, `\\${WORD_JOINER}`)
    .replace(/[{}]/g, (brace) => `\\${brace}`);
}

/**
 * SRT cue text: one line; `<` cannot open an HTML-ish tag and `\` cannot start an ASS escape (players render
 * SRT through libass-like engines), and `{` `}` become full-width braces (SRT has no way to escape an ASS
 * override block such as `{\fs80}`).
 */
export function escapeSrtText(text: string): string {
  return oneLine(text)
    .replace(/\\/g, `\\${WORD_JOINER}`)
    .replace(/</g, `<${WORD_JOINER}`)
    .replace(/\{/g, '｛')
    .replace(/\}/g, '｝');
}

/** `H:MM:SS.cc`, the ASS time format. */
export function assTime(ms: number): string {
  const cs = Math.round(Math.max(0, ms) / 10);
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(cs % 100, 2)}`;
}

/** `HH:MM:SS,mmm`, the SRT time format. */
export function srtTime(ms: number): string {
  const total = Math.round(Math.max(0, ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)},${pad(total % 1000, 3)}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The last comment of a lane: all a new comment must keep clear of (earlier ones are further ahead). */
interface LaneTail {
  readonly startMs: number;
  readonly widthPx: number;
}

/** Statistics before the first comment. */
function noDanmakuYet(): DanmakuStats {
  return { comments: 0, written: 0, delayed: 0, maxDelayMs: 0, droppedBusy: 0, droppedBeforeStart: 0 };
}

/**
 * Assigns lanes to comments given in time order (a comment given out of order simply finds its lanes busier).
 * Keeps only the last comment of each lane, so memory does not grow with the recording.
 */
export class DanmakuLanes {
  /** What happened so far. */
  readonly stats: DanmakuStats = noDanmakuYet();
  private readonly tails: (LaneTail | undefined)[];

  constructor(readonly options: ResolvedDanmakuOptions) {
    this.tails = new Array<LaneTail | undefined>(options.lanes).fill(undefined);
  }

  /** Places one comment; undefined when it was dropped (counted in {@link DanmakuLanes.stats}). */
  place(comment: DanmakuComment): DanmakuPlacement | undefined {
    const o = this.options;
    this.stats.comments++;
    const atMs = comment.atMs + o.offsetMs;
    if (atMs < 0) {
      this.stats.droppedBeforeStart++;
      return undefined;
    }
    const dueMs = Math.round(atMs / ASS_TICK_MS) * ASS_TICK_MS;
    const widthPx = estimateTextWidth(danmakuLine(comment, o.nicknames), o.fontSize);
    let lane = -1;
    let startMs = Infinity;
    for (let i = 0; i < this.tails.length; i++) {
      const free = Math.max(dueMs, this.freeAt(this.tails[i], widthPx));
      // Strictly earlier only: among lanes free at the same time the topmost wins.
      if (free < startMs) {
        lane = i;
        startMs = free;
        if (free === dueMs) break;
      }
    }
    const delayMs = startMs - dueMs;
    if (delayMs > 0 && (o.overflow === 'drop' || delayMs > o.maxDelayMs)) {
      this.stats.droppedBusy++;
      return undefined;
    }
    this.tails[lane] = { startMs, widthPx };
    this.stats.written++;
    if (delayMs > 0) {
      this.stats.delayed++;
      this.stats.maxDelayMs = Math.max(this.stats.maxDelayMs, delayMs);
    }
    return {
      comment,
      startMs,
      endMs: startMs + o.durationMs,
      lane,
      y: lane * o.laneHeight + Math.floor((o.laneHeight - o.fontSize) / 2),
      widthPx,
      delayMs,
    };
  }

  /** Earliest time (on the 10 ms grid) a comment `widthPx` wide can enter a lane whose last comment is `tail`. */
  private freeAt(tail: LaneTail | undefined, widthPx: number): number {
    if (tail === undefined) return -Infinity;
    const { width, durationMs, gapPx } = this.options;
    // Speeds in px/ms: each comment crosses `width + its own width` in one duration.
    const tailSpeed = (width + tail.widthPx) / durationMs;
    const speed = (width + widthPx) / durationMs;
    // The tail comment must have moved its own width plus the gap in from the right edge...
    const entered = tail.startMs + (tail.widthPx + gapPx) / tailSpeed;
    // ...and the new one, if faster, must still be a gap behind it when it leaves at the left edge.
    const noCatchUp = tail.startMs + durationMs - (width - gapPx) / speed;
    return Math.ceil(Math.max(entered, noCatchUp) / ASS_TICK_MS) * ASS_TICK_MS;
  }
}

/** Style names in the ASS script, by {@link DanmakuStyle}. */
const ASS_STYLES: Readonly<Record<DanmakuStyle, { name: string; bgr: string }>> = {
  // ASS colours are &HAABBGGRR: blue, green, red after the alpha.
  chat: { name: 'Danmaku', bgr: 'FFFFFF' },
  gift: { name: 'Gift', bgr: '00D7FF' },
  event: { name: 'Event', bgr: 'C8C8C8' },
};

/** The `[Script Info]`, `[V4+ Styles]` and `[Events]` header of a danmaku ASS script. */
export function assHeader(options: ResolvedDanmakuOptions, title = 'douyin-live danmaku'): string {
  const o = options;
  // Outline scales with the font: a thin dark border keeps white text readable on bright video.
  const outline = Math.max(1, Math.round(o.fontSize / 20));
  // ASS alpha counts transparency: 00 is opaque, FF invisible.
  const alpha = Math.round((1 - o.opacity) * 255)
    .toString(16)
    .toUpperCase()
    .padStart(2, '0');
  const styles = Object.values(ASS_STYLES).map((s) => {
    const colour = `&H${alpha}${s.bgr}`;
    return `Style: ${s.name},${o.font},${o.fontSize},${colour},${colour},&H${alpha}000000,&H${alpha}000000,0,0,0,0,100,100,0,0,1,${outline},0,7,0,0,0,1`;
  });
  return [
    '[Script Info]',
    `Title: ${oneLine(title)}`,
    'ScriptType: v4.00+',
    `PlayResX: ${o.width}`,
    `PlayResY: ${o.height}`,
    // No automatic wrapping: a comment is one line however long.
    'WrapStyle: 2',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    ...styles,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ].join('\n');
}

/** One `Dialogue` line: the comment moving right to left across its lane. */
export function assDialogue(placement: DanmakuPlacement, options: ResolvedDanmakuOptions): string {
  const p = placement;
  const style = ASS_STYLES[p.comment.style ?? 'chat'].name;
  const text = escapeAssText(danmakuLine(p.comment, options.nicknames));
  return `Dialogue: 0,${assTime(p.startMs)},${assTime(p.endMs)},${style},,0,0,0,,{\\move(${options.width},${p.y},${-p.widthPx},${p.y})}${text}`;
}

/** One SRT cue (numbered `index`, from 1), shown for the duration from the comment's video time. */
export function srtCue(
  index: number,
  startMs: number,
  comment: DanmakuComment,
  options: ResolvedDanmakuOptions,
): string {
  const text = escapeSrtText(danmakuLine(comment, options.nicknames));
  return `${index}\n${srtTime(startMs)} --> ${srtTime(startMs + options.durationMs)}\n${text}\n`;
}

/** Turns comments, given in time order, into the text of a subtitle file, piece by piece. */
export interface DanmakuEncoder {
  /** Lines that start the file (the ASS header, without a final line break; empty for SRT). */
  readonly head: string;
  /**
   * The text for one more comment, or `undefined` when it was dropped: a Dialogue line, or an SRT cue ending in
   * a line break (so that one more line break after each piece makes a valid file in either format).
   */
  add(comment: DanmakuComment): string | undefined;
  /** What happened to the comments so far. */
  readonly stats: Readonly<DanmakuStats>;
}

/** A streaming encoder to ASS (scrolling lanes) or SRT (one cue per comment at its time). */
export function danmakuEncoder(format: 'ass' | 'srt', options: DanmakuOptions = {}, title?: string): DanmakuEncoder {
  const resolved = resolveDanmakuOptions(options);
  if (format === 'ass') {
    const lanes = new DanmakuLanes(resolved);
    return {
      head: assHeader(resolved, title),
      add: (comment) => {
        const placement = lanes.place(comment);
        return placement === undefined ? undefined : assDialogue(placement, resolved);
      },
      stats: lanes.stats,
    };
  }
  const stats = noDanmakuYet();
  return {
    head: '',
    add: (comment) => {
      stats.comments++;
      const startMs = comment.atMs + resolved.offsetMs;
      if (startMs < 0) {
        stats.droppedBeforeStart++;
        return undefined;
      }
      stats.written++;
      return srtCue(stats.written, startMs, comment, resolved);
    },
    stats,
  };
}

/** A whole ASS script for a list of comments (sorted by time first); the stats say what was dropped. */
export function toAss(
  comments: readonly DanmakuComment[],
  options: DanmakuOptions = {},
): { text: string; stats: DanmakuStats } {
  return encodeAll('ass', comments, options);
}

/** A whole SRT file for a list of comments (sorted by time first). */
export function toSrt(
  comments: readonly DanmakuComment[],
  options: DanmakuOptions = {},
): { text: string; stats: DanmakuStats } {
  return encodeAll('srt', comments, options);
}

function encodeAll(
  format: 'ass' | 'srt',
  comments: readonly DanmakuComment[],
  options: DanmakuOptions,
): { text: string; stats: DanmakuStats } {
  const encoder = danmakuEncoder(format, options);
  let text = encoder.head === '' ? '' : `${encoder.head}\n`;
  for (const comment of [...comments].sort((a, b) => a.atMs - b.atMs)) {
    const piece = encoder.add(comment);
    if (piece !== undefined) text += `${piece}\n`;
  }
  return { text, stats: { ...encoder.stats } };
}
