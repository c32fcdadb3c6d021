/** CSV rows of messages for `douyin-live export --format csv`: one row per message, spreadsheet-safe. */
import type { LiveMessage } from '@douyin-live/core';
import { formatMessage, palette } from './pretty.js';

/** The columns, in order. */
export const CSV_COLUMNS = [
  'ms',
  'createTime',
  'method',
  'msgId',
  'userId',
  'nickname',
  'text',
  'giftName',
  'count',
  'diamonds',
] as const;

const plain = palette(false);

/** One message's cells, by column; `ms` is the time in the recording (ms since its start). */
export function csvCells(message: LiveMessage, ms: number): Record<(typeof CSV_COLUMNS)[number], string> {
  const user = 'user' in message && message.user !== undefined ? message.user : undefined;
  let giftName = '';
  let count = '';
  let diamonds = '';
  if (message.method === 'WebcastGiftMessage' && !('unknown' in message)) {
    giftName = message.gift.name;
    count = String(message.repeatCount);
    diamonds = String(message.gift.diamondCount * (message.repeatCount || 1) * (message.groupCount || 1));
  } else if (message.method === 'WebcastLikeMessage' && !('unknown' in message)) {
    count = String(message.count);
  }
  return {
    ms: String(ms),
    createTime: 'createTime' in message ? String(message.createTime) : '',
    method: message.method,
    msgId: message.msgId,
    userId: user?.id ?? '',
    nickname: user?.nickname ?? '',
    text: 'content' in message && typeof message.content === 'string' ? message.content : formatMessage(message, plain),
    giftName,
    count,
    diamonds,
  };
}

/** The header row. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

/** One message as a CSV line (RFC 4180 quoting). */
export function csvRow(message: LiveMessage, ms: number): string {
  const cells = csvCells(message, ms);
  return CSV_COLUMNS.map((c) => csvField(cells[c])).join(',');
}

/**
 * Quotes a field when it holds a comma, quote or line break; a text starting with `=`, `+`, `-` or `@` gets a
 * leading `'` so a spreadsheet shows chat text instead of evaluating it as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
