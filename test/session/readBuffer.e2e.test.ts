// The push connection reads into a buffer it reuses while nothing holds on to the bytes. What the session hands out
// must not change when later reads land: failures' bytes, raw frames kept by a frames$ subscriber, every message.
import { createHash } from 'node:crypto';
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
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

/** An unmasked server frame. */
function serverFrame(fin: boolean, opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? [n] : [126, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, ...head]), payload]);
}

/** The opcodes and unmasked payloads of the client's frames in `bytes` (whole frames only, lengths under 64 KiB). */
function clientFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const out: Array<{ opcode: number; payload: Buffer }> = [];
  for (let pos = 0; pos + 2 <= bytes.length;) {
    let length = bytes[pos + 1]! & 0x7f;
    let at = pos + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    }
    const mask = bytes.subarray(at, at + 4);
    const payload = Buffer.from(bytes.subarray(at + 4, at + 4 + length).map((b, i) => b ^ mask[i % 4]!));
    out.push({ opcode: bytes[pos]! & 0x0f, payload });
    pos = at + 4 + length;
  }
  return out;
}

/**
 * A WebSocket server written by hand, to send exact bytes: it answers the upgrade, then writes `burst` in one write
 * (one read for the client) and records what the client sends back until the client's close frame, then ends.
 */
async function withRawServer(burst: Buffer, body: (url: string, replies: () => Promise<Buffer>) => Promise<void>) {
  let replies!: Promise<Buffer>;
  const server = createTcpServer((socket: Socket) => {
    replies = new Promise((resolve) => {
      let head = Buffer.alloc(0);
      let after = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        if (!head.includes('\r\n\r\n')) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          after = head.subarray(end + 4);
          const key = /sec-websocket-key: *(\S+)/i.exec(head.toString('latin1'))![1]!;
          const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
          socket.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
          );
          // A moment for the client to take the upgrade, so the burst arrives as one read of its own.
          setTimeout(() => socket.write(burst), 50);
        } else after = Buffer.concat([after, chunk]);
        if (clientFrames(after).some((f) => f.opcode === 8)) {
          socket.end();
          resolve(after);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, () => replies);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

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
  it('takes whole binary frames itself and leaves pings, text and fragmented messages to ws, all in order', async () => {
    const bin = (n: number, length = 3) => Buffer.alloc(length, n);
    const burst = Buffer.concat([
      serverFrame(true, 2, bin(1)),
      serverFrame(true, 9, Buffer.from('ping-1')),
      serverFrame(true, 2, bin(2, 300)),
      serverFrame(true, 1, Buffer.from('text is not for the session')),
      serverFrame(false, 2, bin(3, 2)),
      serverFrame(true, 9, Buffer.from('ping-2')),
      serverFrame(true, 0, bin(3, 4)),
      serverFrame(true, 2, bin(4)),
      serverFrame(true, 2, Buffer.alloc(0)),
      serverFrame(true, 8, Buffer.from([0x03, 0xe8])),
    ]);
    await withRawServer(burst, async (url, replies) => {
      const received: Buffer[] = [];
      const end = await new Promise<ConnectionEnd>((resolve) =>
        openConnection(
          url,
          { headers: {}, handshakeTimeoutMs: 10_000, reuseReadBuffer: true },
          { onOpen: () => undefined, onFrame: (bytes) => received.push(Buffer.from(bytes)), onEnd: resolve },
        ),
      );
      expect(end).toEqual({ kind: 'closed', code: 1000, reason: '' });
      expect(received).toEqual([bin(1), bin(2, 300), bin(3, 6), bin(4), Buffer.alloc(0)]);
      // ws answered each ping with its payload, then the close.
      expect(clientFrames(await replies()).map((f) => [f.opcode, f.payload.toString('latin1')])).toEqual([
        [10, 'ping-1'],
        [10, 'ping-2'],
        [8, '\x03\xe8'],
      ]);
    });
  });

  it('hands over the rest of a read after the handler closes the connection, until the close is done', async () => {
    const burst = Buffer.concat([1, 2, 3, 4].map((n) => serverFrame(true, 2, Buffer.alloc(5, n))));
    await withRawServer(Buffer.concat([burst, serverFrame(true, 8, Buffer.from([0x03, 0xe8]))]), async (url) => {
      const received: number[] = [];
      let connection: ReturnType<typeof openConnection> | undefined = undefined;
      const end = await new Promise<ConnectionEnd>((resolve) => {
        connection = openConnection(
          url,
          { headers: {}, handshakeTimeoutMs: 10_000, reuseReadBuffer: true },
          {
            onOpen: () => undefined,
            onFrame: (bytes) => {
              received.push(bytes[0]!);
              if (received.length === 1) connection!.close(1000);
            },
            onEnd: resolve,
          },
        );
      });
      expect(end.kind).toBe('closed');
      expect(received).toEqual([1, 2, 3, 4]);
    });
  });
});
