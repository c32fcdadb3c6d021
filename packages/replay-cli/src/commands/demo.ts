import { from } from 'rxjs';
import { livePipeline } from '@douyin-live/core';
import { encodeFrame, messageFactory } from '@douyin-live/core/testing';
import { formatMessage, palette } from '../format/pretty.js';
import type { CliContext } from '../context.js';

/** Registers `demo`: what `npm start` runs. */
export function demoCommand(ctx: CliContext) {
  return {
    command: 'demo',
    describe: 'Decode a bundled sample session built by the project’s own encoder, printing the chat',
    handler: async () => {
      const f = messageFactory();
      const frames = [
        encodeFrame({
          logId: '1',
          response: {
            needAck: true,
            messages: [f.member('小明', 12), f.chat('小明', '主播好！'), f.like('阿花', 5, 120)],
          },
        }),
        encodeFrame({
          logId: '2',
          response: {
            messages: [f.gift({ user: '阿花', name: '小心心', repeatCount: 3, groupId: '1' }), f.follow('老王', 1234)],
          },
        }),
        encodeFrame({
          logId: '3',
          response: { messages: [f.chat('老王', 'hello 大家好'), f.viewers(13, 200), f.control(3)] },
        }),
      ];
      const p = palette(ctx.colour);
      await new Promise<void>((resolve) =>
        from(frames)
          .pipe(livePipeline({ send: () => undefined }))
          .subscribe({ next: (m) => ctx.out(formatMessage(m, p)), complete: resolve }),
      );
    },
  };
}
