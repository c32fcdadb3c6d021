/**
 * Options of the danmaku (scrolling comment) subtitle export: one defaults object, merged once in
 * {@link resolveDanmakuOptions}.
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { parseDuration } from '../util/units.js';

/** Whose nicknames go in front of their comment: everyone's, only users the server did not mask, or nobody's. */
export type DanmakuNicknames = 'all' | 'unmasked' | 'none';

/** What happens to a comment when every lane is still busy at its time: wait for a lane (bounded) or drop it. */
export type DanmakuOverflow = 'delay' | 'drop';

/** Options of the ASS and SRT danmaku export. */
export interface DanmakuOptions {
  /**
   * Width of the video the comments go onto, in px (the ASS `PlayResX`).
   * @defaultValue `1920`
   */
  readonly width?: number | undefined;
  /**
   * Height of the video, in px (the ASS `PlayResY`).
   * @defaultValue `1080`
   */
  readonly height?: number | undefined;
  /**
   * Font size in px of the video's height; `'auto'` is a 24th of the height (45 px at 1080p).
   * @defaultValue `'auto'`
   */
  readonly fontSize?: number | 'auto' | undefined;
  /**
   * Scrolling lanes, from the top; `'auto'` fills the top half of the picture.
   * @defaultValue `'auto'`
   */
  readonly lanes?: number | 'auto' | undefined;
  /**
   * How long one comment takes to cross the picture (ASS) or stays up (SRT), in ms.
   * @defaultValue `8000`
   */
  readonly durationMs?: number | undefined;
  /**
   * Added to each comment's recording time to give its video time, in ms; may be negative (the video started
   * after the recording). Comments that land before 0 are dropped and counted.
   * @defaultValue `0`
   */
  readonly offsetMs?: number | undefined;
  /**
   * Whose nicknames are shown in front of the text (masked guests' are `夜***`-style stubs).
   * @defaultValue `'unmasked'`
   */
  readonly nicknames?: DanmakuNicknames | undefined;
  /**
   * Policy when every lane is busy: `'delay'` waits for the first lane to free up (at most `maxDelayMs`, else
   * the comment is dropped); `'drop'` drops it at once. Either way the count is reported.
   * @defaultValue `'delay'`
   */
  readonly overflow?: DanmakuOverflow | undefined;
  /**
   * Longest wait for a free lane under `overflow: 'delay'`, in ms.
   * @defaultValue `3000`
   */
  readonly maxDelayMs?: number | undefined;
  /**
   * Opacity of the ASS comments, from 0 (invisible) to 1 (opaque); bilibili viewers often pick about 0.8.
   * @defaultValue `1`
   */
  readonly opacity?: number | undefined;
  /**
   * Font family named in the ASS style (the renderer falls back to any installed font with the glyphs).
   * @defaultValue `'Microsoft YaHei'`
   */
  readonly font?: string | undefined;
}

/** The options after the one merge: every value decided, in px and ms. */
export interface ResolvedDanmakuOptions {
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
  readonly lanes: number;
  /** Height of one lane, in px. */
  readonly laneHeight: number;
  readonly durationMs: number;
  readonly offsetMs: number;
  readonly nicknames: DanmakuNicknames;
  readonly overflow: DanmakuOverflow;
  readonly maxDelayMs: number;
  readonly opacity: number;
  readonly font: string;
  /** Smallest horizontal space between two comments in one lane, in px. */
  readonly gapPx: number;
}

/** The defaults of {@link DanmakuOptions}. */
export const DEFAULT_DANMAKU_OPTIONS = {
  width: 1920,
  height: 1080,
  fontSize: 'auto',
  lanes: 'auto',
  durationMs: 8000,
  offsetMs: 0,
  nicknames: 'unmasked',
  overflow: 'delay',
  maxDelayMs: 3000,
  opacity: 1,
  font: 'Microsoft YaHei',
} as const satisfies { readonly [K in keyof DanmakuOptions]-?: Exclude<DanmakuOptions[K], undefined> };

/** `'auto'` font size: this fraction of the picture height. */
const AUTO_FONT_SIZE_SHARE = 1 / 24;
/** `'auto'` lanes fill this fraction of the picture height, from the top. */
const AUTO_LANES_SHARE = 0.5;
/** Lane height as a multiple of the font size: room for the outline and descenders. */
const LANE_HEIGHT_PER_FONT_SIZE = 1.25;
/** Space kept between two comments of a lane, as a multiple of the font size (also absorbs width estimates). */
const GAP_PER_FONT_SIZE = 0.5;

const NICKNAMES: readonly DanmakuNicknames[] = ['all', 'unmasked', 'none'];
const OVERFLOWS: readonly DanmakuOverflow[] = ['delay', 'drop'];

function invalid(message: string, context: Record<string, unknown>): DouyinLiveError {
  return new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, message, context);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw invalid(`${name} must be a positive integer, got ${value}`, { [name]: value });
  return value;
}

/** Merges options with {@link DEFAULT_DANMAKU_OPTIONS} and validates them; the only place defaults apply. */
export function resolveDanmakuOptions(options: DanmakuOptions = {}): ResolvedDanmakuOptions {
  const d = DEFAULT_DANMAKU_OPTIONS;
  const width = positiveInteger('width', options.width ?? d.width);
  const height = positiveInteger('height', options.height ?? d.height);
  const fontSizeOption = options.fontSize ?? d.fontSize;
  const fontSize =
    fontSizeOption === 'auto'
      ? Math.max(1, Math.round(height * AUTO_FONT_SIZE_SHARE))
      : positiveInteger('fontSize', fontSizeOption);
  const laneHeight = Math.ceil(fontSize * LANE_HEIGHT_PER_FONT_SIZE);
  const lanesOption = options.lanes ?? d.lanes;
  const lanes =
    lanesOption === 'auto'
      ? Math.max(1, Math.floor((height * AUTO_LANES_SHARE) / laneHeight))
      : positiveInteger('lanes', lanesOption);
  if (lanes * laneHeight > height) {
    throw invalid(
      `${lanes} lanes of ${laneHeight} px (font size ${fontSize}) do not fit in a picture ${height} px high`,
      { lanes, fontSize, height },
    );
  }
  const durationMs = options.durationMs ?? d.durationMs;
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw invalid(`duration must be a positive time, got ${durationMs} ms`, { durationMs });
  }
  const offsetMs = options.offsetMs ?? d.offsetMs;
  if (!Number.isFinite(offsetMs)) throw invalid(`offset must be a finite time, got ${offsetMs}`, { offsetMs });
  const maxDelayMs = options.maxDelayMs ?? d.maxDelayMs;
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw invalid(`maxDelay must be a non-negative time, got ${maxDelayMs} ms`, { maxDelayMs });
  }
  const nicknames = options.nicknames ?? d.nicknames;
  if (!NICKNAMES.includes(nicknames)) {
    throw invalid(`nicknames must be one of ${NICKNAMES.join(', ')}, got ${nicknames}`, { nicknames });
  }
  const overflow = options.overflow ?? d.overflow;
  if (!OVERFLOWS.includes(overflow)) {
    throw invalid(`overflow must be one of ${OVERFLOWS.join(', ')}, got ${overflow}`, { overflow });
  }
  const opacity = options.opacity ?? d.opacity;
  if (!(opacity > 0 && opacity <= 1)) {
    throw invalid(`opacity must be above 0 and at most 1, got ${opacity}`, { opacity });
  }
  const font = options.font ?? d.font;
  // The font name is a field of a comma-separated Style line: a comma or line break would corrupt the script.
  if (font.trim() === '' || /[,\r\n]/.test(font)) {
    throw invalid(`font must be a font family name without commas, got "${font}"`, { font });
  }
  return {
    width,
    height,
    fontSize,
    lanes,
    laneHeight,
    durationMs,
    offsetMs,
    nicknames,
    overflow,
    maxDelayMs,
    opacity,
    font: font.trim(),
    gapPx: Math.ceil(fontSize * GAP_PER_FONT_SIZE),
  };
}

/** Parses `1920x1080` (or `1280×720`) into a width and height; throws `INVALID_ARGUMENT` otherwise. */
export function parseResolution(text: string): { width: number; height: number } {
  const match = /^\s*(\d+)\s*[x×X]\s*(\d+)\s*$/.exec(text);
  if (!match) throw invalid(`resolution must look like 1920x1080, got "${text}"`, { resolution: text });
  return { width: positiveInteger('width', Number(match[1])), height: positiveInteger('height', Number(match[2])) };
}

/** Parses a signed duration such as `12.5s`, `-1m30s` or `-4` (seconds) into ms. */
export function parseSignedDuration(text: string): number {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const ms = parseDuration(negative || trimmed.startsWith('+') ? trimmed.slice(1) : trimmed);
  return negative ? -ms : ms;
}
