import type { DecodeFailure, LiveMessage } from '@douyin-live/core';

/** ANSI colours, applied only when the output is a terminal. */
export interface Palette {
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
  yellow(s: string): string;
  magenta(s: string): string;
  green(s: string): string;
  red(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** A palette with colours, or one that leaves text alone. */
export function palette(colour: boolean): Palette {
  if (!colour) {
    const id = (s: string) => s;
    return { dim: id, bold: id, cyan: id, yellow: id, magenta: id, green: id, red: id };
  }
  return {
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    cyan: wrap(36, 39),
    yellow: wrap(33, 39),
    magenta: wrap(35, 39),
    green: wrap(32, 39),
    red: wrap(31, 39),
  };
}

const who = (p: Palette, user: { nickname: string; masked: boolean } | undefined) =>
  user ? p.cyan(user.nickname || '(no name)') + (user.masked ? p.dim(' (masked)') : '') : p.dim('(no user)');

/** One readable line for a message (or a decode failure). */
export function formatMessage(m: LiveMessage | DecodeFailure, p: Palette): string {
  if (m.kind === 'decode-failure') return p.red(`✗ ${m.stage} decode failed: ${m.error.message}`);
  if ('unknown' in m) return p.dim(`? ${m.method} msgId=${m.msgId} (${m.payload.length} bytes, unknown method)`);
  switch (m.method) {
    case 'WebcastChatMessage':
      return `💬 ${who(p, m.user)}: ${m.content}`;
    case 'WebcastGiftMessage': {
      const streak = m.groupId !== '0' ? ` streak ${m.groupId}${m.repeatEnd ? ' (end)' : ''}` : '';
      return p.yellow(
        `🎁 ${who(p, m.user)} sent ${m.gift.name || `gift ${m.giftId}`} ×${m.repeatCount}${streak} (${m.gift.diamondCount} 💎 each)`,
      );
    }
    case 'WebcastLikeMessage':
      return p.magenta(`👍 ${who(p, m.user)} liked ×${m.count} (room total ${m.total})`);
    case 'WebcastMemberMessage':
      return p.dim(`→ ${who(p, m.user)} entered (${m.memberCount} watching)`);
    case 'WebcastSocialMessage':
      return p.green(
        `${m.type === 'follow' ? '➕' : '↗'} ${who(p, m.user)} ${m.type === 'follow' ? 'followed' : m.type === 'share' ? 'shared the room' : `social action ${m.action}`}`,
      );
    case 'WebcastRoomUserSeqMessage':
      return p.dim(`👥 ${m.total} online, ${m.totalUser} total viewers`);
    case 'WebcastRoomStatsMessage':
      return p.dim(`📊 ${m.displayMiddle || m.displayLong || m.total}`);
    case 'WebcastControlMessage':
      return p.bold(m.liveEnded ? `■ live ended${m.tips ? `: ${m.tips}` : ''}` : `control action ${m.action}`);
    case 'WebcastFansclubMessage':
      return p.green(`★ ${m.content || `fans club action ${m.action}`}`);
    case 'WebcastEmojiChatMessage':
      return `💬 ${who(p, m.user)}: ${m.defaultContent || `[emoji ${m.emojiId}]`}`;
    case 'WebcastRoomMessage':
      return p.dim(`ℹ ${m.content}`);
    case 'WebcastScreenChatMessage':
      return `📣 ${who(p, m.user)}: ${m.content}`;
    default:
      return p.dim(`· ${m.method} msgId=${m.msgId}`);
  }
}
