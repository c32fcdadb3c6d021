// Type-level test of the public option types (compiled by `npm run typecheck`); the runtime part checks that
// what the types accept is what the one merge function produces.
import {
  resolveSessionOptions,
  type LiveSessionOptions,
  type ResolvedSessionOptions,
} from '../packages/core/src/index.js';

describe('option types', () => {
  it('accept what users write and reject mistakes at compile time', () => {
    const minimal: LiveSessionOptions = { room: 'https://live.douyin.com/261378947940' };
    const byId: LiveSessionOptions = { room: { roomId: '7400000000000000001' }, endpoints: 'http://127.0.0.1:8080' };
    const tuned: LiveSessionOptions = {
      room: '261378947940',
      cookie: 'sessionid=x',
      reconnect: { maxAttempts: 3 },
      waitUntilLive: { pollIntervalMs: 60_000 },
      signer: (stub) => stub.slice(0, 16),
    };
    // @ts-expect-error: room is required
    const noRoom: LiveSessionOptions = { cookie: 'x' };
    // @ts-expect-error: reconnect delays are numbers
    const badDelay: LiveSessionOptions = { room: 'x', reconnect: { initialDelayMs: '1s' } };
    // @ts-expect-error: unknown option
    const typo: LiveSessionOptions = { room: 'x', heartbeatMs: 5 };
    void [noRoom, badDelay, typo];

    const resolved: ResolvedSessionOptions[] = [minimal, byId, tuned].map(resolveSessionOptions);
    expect(resolved.map((o) => o.endpoints.page)).toEqual([
      'https://live.douyin.com',
      'http://127.0.0.1:8080',
      'https://live.douyin.com',
    ]);
    expect(resolved[2]).toMatchObject({
      cookie: 'sessionid=x',
      reconnect: { maxAttempts: 3, initialDelayMs: 1500 },
      waitUntilLive: { pollIntervalMs: 60_000 },
    });
    expect(resolved[0]!.waitUntilLive).toBeUndefined();
  });
});
