// The push connection reads into a buffer it reuses while nothing holds on to the bytes. What the session hands out
// must not change when later reads land: failures' bytes, raw frames kept by a frames$ subscriber, every message.
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { WebSocketServer } from 'ws';
import { openConnection, type ConnectionEnd } from '../../packages/core/src/session/connection.js';
import { connectLiveSession } from '../../packages/core/src/session/session.js';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import { ErrorCodes } from '../../packages/core/src/errors.js';
import { GARBAGE_FRAME, startSimulator, type SimulatorOptions } from '@douyin-live/simulator';

const ROOM = '261378947940';
const scenario = {
  seed: 11,
  tickMs: 10,
  chatPerSecond: 200,
  giftPerSecond: 40,
  likePerSecond: 80,
  memberPerSecond: 80,
  messageLimit: 150,
};

async function withSim(
  options: SimulatorOptions,
  body: (sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<void>,
) {
  const sim = await startSimulator({ scenario, liveStarts: 'on-first-connection', ...options });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

const joinRoom = (sim: Awaited<ReturnType<typeof startSimulator>>) =>
  connectLiveSession({ room: ROOM, endpoints: sim.httpUrl, heartbeatIntervalMs: 50 });

describe('the reused read buffer', () => {
  it("keeps failures' bytes as the server sent them, read after every later frame has landed", () =>
    withSim({ garbageEvery: 3, corruptGzipEvery: 4 }, async (sim) => {
      const s = joinRoom(sim);
      const errors = lastValueFrom(s.errors$.pipe(toArray()));
      const ids = lastValueFrom(s.messages$.pipe(toArray()));
      expect(await s.done).toEqual({ reason: 'ended' });
      const garbage = (await errors).filter((e) => e.code === ErrorCodes.FRAME_DECODE_FAILED);
      const gzip = (await errors).filter((e) => e.code === ErrorCodes.GZIP_FAILED);
      expect(garbage.length).toBe(sim.stats.framesSent.garbage);
      expect(gzip.length).toBe(sim.stats.framesSent.corruptGzip);
      expect(garbage.length).toBeGreaterThan(3);
      expect(gzip.length).toBeGreaterThan(3);
      for (const e of garbage)
        expect(Buffer.from(e.context['bytes'] as Uint8Array)).toEqual(Buffer.from(GARBAGE_FRAME));
      // The simulator's corrupt payload: a gzip header, then a deflate block of the reserved type (ff ff ff ff).
      for (const e of gzip) {
        const bytes = e.context['bytes'] as Uint8Array;
        expect([bytes.length, bytes[0], bytes[1], ...bytes.subarray(10, 14)]).toEqual([
          18, 0x1f, 0x8b, 255, 255, 255, 255,
        ]);
      }
      const sent = [...new Set(sim.stats.messagesSent[ROOM]!.map((m) => m.msgId))];
      expect((await ids).map((m) => m.msgId)).toEqual(sent);
    }));

  it('hands a frames$ subscriber bytes of its own: every kept frame still decodes to its own log id at the end', () =>
    withSim({}, async (sim) => {
      const s = joinRoom(sim);
      const frames = lastValueFrom(s.frames$.pipe(toArray()));
      const messages = lastValueFrom(s.messages$.pipe(toArray()));
      expect(await s.done).toEqual({ reason: 'ended' });
      const inbound = (await frames).flatMap((f) => (f.direction === 'in' ? [f.bytes] : []));
      expect(inbound.length).toBe(s.stats.framesIn);
      const logIds = inbound.map((bytes) => {
        const frame = decodeFrame(bytes);
        if (frame.kind !== 'frame') throw new Error(`a kept frame no longer decodes: ${frame.error.message}`);
        return frame.logId;
      });
      const msgFrames = logIds.filter((id) => id !== '0');
      expect(msgFrames.length).toBeGreaterThan(10);
      expect(new Set(msgFrames).size).toBe(msgFrames.length);
      // Every message, read at the end, still carries the id its envelope had.
      const kept = await messages;
      expect(kept.length).toBe(new Set(sim.stats.messagesSent[ROOM]!.map((m) => m.msgId)).size);
      for (const m of kept) if ('raw' in m && m.raw?.common) expect(m.raw.common.msgId).toBe(m.msgId);
    }));

  it('lets kept messages read their raw at the end, from a copy of their frame, not the read buffer', () =>
    withSim({}, async (sim) => {
      // No frames$ subscriber: every frame is read in the reused buffer and inflated into the shared one.
      const s = joinRoom(sim);
      const messages = lastValueFrom(s.messages$.pipe(toArray()));
      expect(await s.done).toEqual({ reason: 'ended' });
      const kept = await messages;
      expect(kept.length).toBeGreaterThan(100);
      // raw is decoded on first read, long after the frame: from the frame inflated again.
      let checked = 0;
      for (const m of kept) {
        if (!('raw' in m) || !m.raw || !('common' in m.raw) || !m.raw.common) continue;
        expect(m.raw.common.msgId).toBe(m.msgId);
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    }));

  it.each([
    ['ws', false],
    ['wss', true],
  ])(
    'over %s, hands over every message intact: large ones cut across reads, fragmented ones, many per read',
    async (_name, secure) => {
      const tlsFixture = join(__dirname, '..', '..', 'fixtures', 'tls');
      const server = secure
        ? createServer({
            key: readFileSync(join(tlsFixture, 'localhost.key.pem')),
            cert: readFileSync(join(tlsFixture, 'localhost.cert.pem')),
          })
        : (await import('node:http')).createServer();
      const wss = new WebSocketServer({ server });
      const count = 600;
      // Sizes around every length encoding and the 8 KiB read buffer; each message carries its number throughout.
      const sizeOf = (i: number) => [10, 2000, 8192, 9000, 70000, 126, 65536][i % 7]! + (i % 5);
      wss.on('connection', (socket) => {
        for (let i = 0; i < count; i++) {
          const message = Buffer.alloc(sizeOf(i), i & 0xff);
          message.writeUInt32BE(i, 0);
          if (i % 25 === 0) {
            socket.send(message.subarray(0, 5), { fin: false });
            socket.send(message.subarray(5, 9000), { fin: false });
            socket.send(message.subarray(9000), { fin: true });
          } else socket.send(message);
        }
        socket.close(1000);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const received: Array<{ n: number; length: number; intact: boolean }> = [];
        const end = await new Promise<ConnectionEnd>((resolve) => {
          openConnection(
            `${secure ? 'wss' : 'ws'}://localhost:${port}/`,
            // The fixture is self-signed: it is its own authority.
            {
              headers: {},
              handshakeTimeoutMs: 10_000,
              reuseReadBuffer: true,
              ca: readFileSync(join(tlsFixture, 'localhost.cert.pem')),
            },
            {
              onOpen: () => undefined,
              // Checked during the call, as the contract allows: every byte, not just the ends.
              onFrame: (bytes) => {
                const n = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32BE(0);
                received.push({ n, length: bytes.length, intact: bytes.subarray(4).every((b) => b === (n & 0xff)) });
              },
              onEnd: resolve,
            },
          );
        });
        expect(end).toEqual({ kind: 'closed', code: 1000, reason: '' });
        expect(received).toEqual(Array.from({ length: count }, (_, n) => ({ n, length: sizeOf(n), intact: true })));
      } finally {
        wss.close();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
