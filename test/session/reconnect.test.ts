import { decideOnClose, reconnectDelay } from '../../packages/core/src/session/reconnect.js';
import { resolveSessionOptions, DEFAULT_ENDPOINTS } from '../../packages/core/src/session/options.js';
import { parseRoomInput, randomUserUniqueId } from '../../packages/core/src/session/resolveRoom.js';
import { CookieJar } from '../../packages/core/src/session/cookies.js';

describe('reconnect policy', () => {
  const policy = resolveSessionOptions({ room: 'x' }).reconnect;

  it('maps close codes to one decision table (§4.6)', () => {
    expect([1000, 1007, 1008].map(decideOnClose)).toEqual(['check-live', 'check-live', 'check-live']);
    expect([1001, 1006, 1011, 1012, 1013, 4000].map(decideOnClose)).toEqual(Array(6).fill('reconnect'));
  });

  it('backs off exponentially from 1.5 s to the 60 s cap, with jitter below 1.2 s', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3].map((a) => reconnectDelay(policy, a, 1006, noJitter))).toEqual([1500, 3000, 6000, 12000]);
    expect(reconnectDelay(policy, 20, 1006, noJitter)).toBe(60_000);
    expect(reconnectDelay(policy, 0, 1006, () => 0.999)).toBe(1500 + 1198);
  });

  it('honours the per-code minimums: 1001 ≥ 2 s, 1012 ≥ 3 s, 1013 ≥ 5 s', () => {
    const d = (code: number) => reconnectDelay(policy, 0, code, () => 0);
    expect([d(1001), d(1012), d(1013)]).toEqual([2000, 3000, 5000]);
  });
});

describe('session options', () => {
  it('defaults to the real hosts', () => {
    const o = resolveSessionOptions({ room: '261378947940' });
    expect(o.endpoints).toBe(DEFAULT_ENDPOINTS);
    expect(o.endpoints.push[0]).toMatch(/^wss:\/\/webcast100-ws-web-/);
    expect(o.heartbeatIntervalMs).toBe(10_000);
  });

  it('points every request at one base URL when given a string endpoint', () => {
    const o = resolveSessionOptions({ room: 'x', endpoints: 'http://127.0.0.1:9/' });
    expect(o.endpoints).toEqual({
      page: 'http://127.0.0.1:9',
      api: 'http://127.0.0.1:9',
      push: ['ws://127.0.0.1:9'],
      usePushServerFromFetch: false,
    });
  });

  it('merges nested reconnect overrides once, keeping the other defaults', () => {
    const o = resolveSessionOptions({ room: 'x', reconnect: { maxAttempts: 2, closeCodeDelayMs: { 1013: 10 } } });
    expect(o.reconnect).toMatchObject({
      maxAttempts: 2,
      initialDelayMs: 1500,
      closeCodeDelayMs: { 1001: 2000, 1012: 3000, 1013: 10 },
    });
  });
});

describe('room input', () => {
  it('accepts a live URL, a bare web_rid and a room id', () => {
    expect(parseRoomInput('https://live.douyin.com/261378947940?from=share')).toEqual({ webRid: '261378947940' });
    expect(parseRoomInput(' 261378947940 ')).toEqual({ webRid: '261378947940' });
    expect(parseRoomInput({ roomId: '7400000000000000001' })).toEqual({ roomId: '7400000000000000001' });
  });

  it('rejects what is not a room with a typed error', () => {
    expect(() => parseRoomInput('not a room')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => parseRoomInput('https://live.douyin.com/')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('draws visitor ids in the 7.3e18–8.0e18 range as 19 digits', () => {
    for (const r of [0, 0.5, 0.999999]) {
      const id = BigInt(randomUserUniqueId(() => r));
      expect(id >= 7_300_000_000_000_000_000n && id < 8_000_000_000_000_000_000n).toBe(true);
    }
  });
});

describe('cookie jar', () => {
  it('keeps the user cookie and takes Set-Cookie values, without attributes', () => {
    const jar = new CookieJar('sessionid=abc; foo=1');
    jar.addFromResponse({ 'set-cookie': ['ttwid=1%7Cxyz; Path=/; HttpOnly', 'foo=2; Max-Age=3'] });
    expect(jar.get('ttwid')).toBe('1%7Cxyz');
    expect(jar.header()).toBe('sessionid=abc; foo=2; ttwid=1%7Cxyz');
  });
});
