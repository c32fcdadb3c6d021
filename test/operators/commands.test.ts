import { commands, parseCommand, splitArgs } from '../../packages/core/src/operators/commands.js';
import { createTestScheduler } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { chat } = friendly();

describe('commands', () => {
  it('turns prefixed chats into { command, args, user, message } and ignores the rest', () => {
    const hello = chat('alice', '!Hello world');
    const plain = chat('bob', 'just chatting! really');
    const roll = chat('carol', '  !roll 2d6  ');
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a: hello, b: plain, c: roll }).pipe(commands())).toBe('a---c|', {
        a: { command: 'hello', args: ['world'], argText: 'world', user: hello.user, message: hello },
        c: { command: 'roll', args: ['2d6'], argText: '2d6', user: roll.user, message: roll },
      });
    });
  });

  it('reads quoted arguments, and splits on spaces when quotes are off', () => {
    expect(parseCommand('!say "hello there" \'and you\' 「你好 世界」 end')).toEqual({
      command: 'say',
      args: ['hello there', 'and you', '你好 世界', 'end'],
      argText: '"hello there" \'and you\' 「你好 世界」 end',
    });
    expect(splitArgs('"a b" c', false)).toEqual(['"a', 'b"', 'c']);
  });

  it('accepts full-width prefixes and spaces from Chinese input methods', () => {
    expect(parseCommand('！点歌\u3000晴天')).toEqual({ command: '点歌', args: ['晴天'], argText: '晴天' });
    expect(parseCommand('！ROLL', { fullWidth: false })).toBeUndefined();
  });

  it('supports several prefixes, case sensitivity and an allow-list', () => {
    expect(parseCommand('/Help me', { prefix: ['!', '/'], caseSensitive: true })).toMatchObject({ command: 'Help' });
    expect(parseCommand('!!top', { prefix: ['!', '!!'] })).toMatchObject({ command: 'top' });
    expect(parseCommand('!ROLL', { only: ['roll'] })).toMatchObject({ command: 'roll' });
    expect(parseCommand('!dance', { only: ['roll'] })).toBeUndefined();
  });

  it('ignores a bare prefix and rejects an empty prefix', () => {
    expect(parseCommand('!')).toBeUndefined();
    expect(parseCommand('! roll')).toBeUndefined();
    expect(() => commands({ prefix: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
