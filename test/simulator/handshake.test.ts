import { request as httpRequest } from 'node:http';
import { buildPushQuery, pushQueryObject } from '../../packages/core/src/room/pushParams.js';
import { signatureStub, signStub } from '../../packages/core/src/signature/signature.js';
import { startSimulator, type Simulator } from '@douyin-live/simulator';
import { fetchTtwid, PushClient, pushUrl, type HttpAnswer } from './helpers.js';

const ROOM = '7400000000000000001';

/** Sends a raw upgrade request and reports the non-101 answer (or 101). */
function rawUpgrade(url: string, cookie?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace(/^ws:/, 'http:'), {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(cookie ? { Cookie: cookie } : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('simulator handshake', () => {
  let sim: Simulator;
  let cookie: string;
  beforeEach(async () => {
    sim = await startSimulator({ scenario: { tickMs: 10 }, rejectHandshakes: 0 });
    cookie = `ttwid=${await fetchTtwid(sim)}`;
  });
  afterEach(() => sim.close());

  it('upgrades a correctly signed handshake and pushes the history first', async () => {
    const client = new PushClient(pushUrl(sim, { roomId: ROOM }), { cookie });
    await client.opened;
    await client.until(() => client.messages.length >= 3);
    expect(client.messages.slice(0, 3).map((m) => m.method)).toEqual([
      'WebcastChatMessage',
      'WebcastChatMessage',
      'WebcastChatMessage',
    ]);
    expect(sim.stats.handshakesAccepted).toBe(1);
    await client.close();
  });

  it('answers a wrongly signed handshake with 200 + DEVICE_BLOCKED and an empty body', async () => {
    // A valid signature of other parameters: well-formed, but its stub digest does not match.
    const other = signStub(signatureStub(pushQueryObject(buildPushQuery({ roomId: ROOM, userUniqueId: '1' }))));
    const answer = await rawUpgrade(pushUrl(sim, { roomId: ROOM, signature: other }), cookie);
    expect(answer.status).toBe(200);
    expect(answer.headers['handshake-status']).toBe('415');
    expect(answer.headers['handshake-msg']).toBe('DEVICE_BLOCKED');
    expect(answer.body.length).toBe(0);
    expect(sim.stats.handshakesRejected).toEqual([
      { reason: 'bad signature: signature does not match the stub', path: '/webcast/im/push/v2/' },
    ]);
  });

  it.each([
    ['a missing signature', { signature: null }, 'missing signature', true],
    ['a garbled signature', { signature: 'AAAAAAAAAAAAAAAA' }, 'bad signature', true],
    ['an unknown room id (e.g. the web_rid)', { roomId: '261378947940' }, 'unknown room_id 261378947940', true],
    ['no ttwid cookie', {}, 'missing ttwid cookie', false],
  ] as const)('refuses %s', async (_name, spec, reason, withCookie) => {
    const answer = await rawUpgrade(pushUrl(sim, { roomId: ROOM, ...spec }), withCookie ? cookie : undefined);
    expect(answer.status).toBe(200);
    expect(answer.headers['handshake-msg']).toBe('DEVICE_BLOCKED');
    expect(sim.stats.handshakesRejected[0]?.reason).toContain(reason);
    // A refusal to a visitor without a ttwid issues one, like every Douyin answer.
    expect(answer.headers['set-cookie']?.some((c) => c.startsWith('ttwid=')) ?? false).toBe(!withCookie);
  });

  it('reads the signature raw: a + in it is not a space', async () => {
    let signature = '';
    const params = buildPushQuery({ roomId: ROOM, userUniqueId: '7319483754668557238' });
    const stub = signatureStub(pushQueryObject(params));
    for (let r2 = 0; r2 < 255 && !signature.includes('+'); r2++) {
      for (let r1 = 0; r1 < 255 && !signature.includes('+'); r1++)
        signature = signStub(stub, { counter: 1, flags: 0x40, r1, r2 });
    }
    expect(signature).toContain('+');
    const client = new PushClient(pushUrl(sim, { roomId: ROOM, signature }), { cookie });
    await client.opened;
    await client.close();
    expect(sim.stats.handshakesAccepted).toBe(1);
  });
});

describe('simulator handshake options', () => {
  it('accepts a handshake without a signature when verifySignature is false', async () => {
    const sim = await startSimulator({ verifySignature: false });
    try {
      const client = new PushClient(pushUrl(sim, { roomId: ROOM, signature: null }), {
        cookie: `ttwid=${await fetchTtwid(sim)}`,
      });
      await client.opened;
      await client.close();
      expect(sim.stats.handshakesAccepted).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('refuses the next k handshakes with rejectHandshakes, then accepts', async () => {
    const sim = await startSimulator({ rejectHandshakes: 2 });
    try {
      const cookie = `ttwid=${await fetchTtwid(sim)}`;
      const url = pushUrl(sim, { roomId: ROOM });
      for (let k = 0; k < 2; k++) {
        const answer = await rawUpgrade(url, cookie);
        expect([answer.status, answer.headers['handshake-status']]).toEqual([200, '415']);
      }
      const client = new PushClient(url, { cookie });
      await client.opened;
      await client.close();
      expect(sim.stats.handshakesRejected.map((r) => r.reason)).toEqual([
        'rejectHandshakes fault',
        'rejectHandshakes fault',
      ]);
      expect(sim.stats.handshakesAccepted).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
