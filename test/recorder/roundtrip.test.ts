import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { isDouyinLiveError, ErrorCodes, type LiveSession } from '@douyin-live/core';
import {
  createRecorder,
  partPath,
  recordFrames,
  recordSession,
  RecordingReader,
  type FrameRecord,
  type RawFrameEvent,
  type RecordableSession,
  type RecordingRecord,
} from '@douyin-live/recorder';
import { generateSession } from './session.js';

const ROOM = {
  webRid: '646454278948',
  roomId: '7400000000000000001',
  title: '测试直播间',
  anchor: { nickname: '主播', id: '100000001', secUid: 'MS4wLjABAAAAanchor' },
  status: 2,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string, chunkSize?: number): Promise<RecordingRecord[]> {
  const out: RecordingRecord[] = [];
  for await (const r of new RecordingReader(path, chunkSize === undefined ? {} : { chunkSize })) out.push(r);
  return out;
}

async function record(path: string, events: readonly RawFrameEvent[], options = {}) {
  const recorder = createRecorder(path, { room: ROOM, now: () => events[0]!.at, ...options });
  for (const e of events) recorder.write(e);
  return recorder.end();
}

const frames = (events: readonly RawFrameEvent[]) =>
  events.filter(
    (e): e is Extract<RawFrameEvent, { bytes: Uint8Array }> => e.direction === 'in' || e.direction === 'out',
  );

describe('recording round trip', () => {
  it('reads back every frame byte for byte, in order, with acks and heartbeats as outbound records', async () => {
    const events = generateSession({ frames: 300 });
    const path = join(dir, 'session.dyrec');
    // A small flush size: many writes, to cross batch boundaries.
    const stats = await record(path, events, { flushBytes: 4096 });
    const records = await readAll(path, 1000);

    expect(records[0]).toMatchObject({ kind: 'header', format: 'dyrec', version: 1, part: 0, room: ROOM });
    expect((records[0] as { schemaHash: string }).schemaHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(records.at(-1)).toMatchObject({ kind: 'end', reason: 'end' });
    const got = records.filter((r): r is FrameRecord => r.kind === 'in' || r.kind === 'out');
    const want = frames(events);
    expect(got).toHaveLength(want.length);
    got.forEach((r, i) => {
      const e = want[i]!;
      expect(r.kind).toBe(e.direction);
      expect(r.conn).toBe(e.connection);
      expect(r.at).toBe(e.at);
      expect(Buffer.from(r.bytes).equals(Buffer.from(e.bytes))).toBe(true);
    });
    // 150 acks (every other frame asks for one) and 30 heartbeats.
    expect(got.filter((r) => r.kind === 'out')).toHaveLength(180);
    expect(got.filter((r) => r.kind === 'out' && r.bytes.length === 4)).toHaveLength(30);
    expect(records.map((r) => r.kind).filter((k) => k === 'open' || k === 'close' || k === 'error')).toEqual([
      'open',
      'error',
      'close',
      'open',
      'close',
    ]);
    expect(stats).toMatchObject({ framesIn: 300, framesOut: 180, closed: true, bufferedBytes: 0 });
    expect(stats.bytesFlushed).toBe(readFileSync(path).length);
    expect(stats.recordsFlushed).toBe(records.length);
  });

  it('gives the same records through records$() as through the async iterator', async () => {
    const events = generateSession({ frames: 40 });
    const path = join(dir, 's.dyrec');
    await record(path, events);
    const viaObservable = await lastValueFrom(new RecordingReader(path).records$().pipe(toArray()));
    expect(viaObservable).toEqual(await readAll(path));
    expect(await new RecordingReader(path).header()).toEqual(viaObservable[0]);
  });

  it('keeps close codes, reasons and error records', async () => {
    const events = generateSession({ frames: 10, reconnectAt: 5 });
    const path = join(dir, 's.dyrec');
    await record(path, events);
    const records = await readAll(path);
    expect(records.find((r) => r.kind === 'close')).toMatchObject({ conn: 1, code: 1006, reason: '' });
    expect(records.filter((r) => r.kind === 'close').at(-1)).toMatchObject({ conn: 2, code: 1000, reason: 'bye' });
    expect(records.find((r) => r.kind === 'error')).toMatchObject({ conn: 1, code: 'CONNECTION_LOST' });
  });

  it('rotates by size into numbered parts, each with its own header and the open connections', async () => {
    const events = generateSession({ frames: 400, reconnectAt: 1 });
    const path = join(dir, 'session.dyrec');
    const stats = await record(path, events, { maxPartBytes: 32 * 1024 });
    expect(stats.paths.length).toBeGreaterThan(3);
    expect(stats.paths.slice(0, 3)).toEqual([path, join(dir, 'session.1.dyrec'), join(dir, 'session.2.dyrec')]);
    const all: FrameRecord[] = [];
    for (const [n, p] of stats.paths.entries()) {
      const records = await readAll(p);
      expect(readFileSync(p).length).toBeLessThanOrEqual(32 * 1024 + 200);
      expect(records[0]).toMatchObject({ kind: 'header', part: n, recordingStartedAt: events[0]!.at, room: ROOM });
      const last = records.at(-1)!;
      if (n < stats.paths.length - 1) {
        expect(last).toMatchObject({ kind: 'end', reason: 'rotate', next: `session.${n + 1}.dyrec` });
        // The next part knows which connection is already open.
        const next = await new RecordingReader(stats.paths[n + 1]!).header();
        expect(next.openConnections).toEqual([expect.objectContaining({ conn: 2 })]);
      } else expect(last).toMatchObject({ kind: 'end', reason: 'end' });
      all.push(...records.filter((r): r is FrameRecord => r.kind === 'in' || r.kind === 'out'));
    }
    expect(all.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(
      frames(events).map((e) => Buffer.from(e.bytes).toString('hex')),
    );
  });

  it('rotates by duration', async () => {
    // 7 ms per frame: 100 frames ≈ 700 ms, parts of 200 ms.
    const events = generateSession({ frames: 100 });
    const stats = await record(join(dir, 'd.dyrec'), events, { maxPartDurationMs: 200 });
    expect(stats.paths).toHaveLength(4);
    const header = await new RecordingReader(stats.paths[2]!).header();
    expect(header.startedAt - header.recordingStartedAt).toBeGreaterThanOrEqual(400);
    expect(partPath('/x/rec', 2)).toBe('/x/rec.2');
  });

  it('records through the recordFrames operator, passing events through unchanged', async () => {
    const events = generateSession({ frames: 20 });
    const path = join(dir, 'op.dyrec');
    const passed = await lastValueFrom(from(events).pipe(recordFrames(path, { room: ROOM }), toArray()));
    expect(passed).toEqual(events);
    // Completion waits for the file: it is complete here.
    const records = await readAll(path);
    expect(records.at(-1)).toMatchObject({ kind: 'end', reason: 'end' });
    expect(records.filter((r) => r.kind === 'in')).toHaveLength(20);
  });

  it('records a session from its frames$ and room, until the frames end', async () => {
    const frames$ = new Subject<RawFrameEvent>();
    const session = { frames$, room: ROOM };
    const path = join(dir, 'sess.dyrec');
    const recording = recordSession(session, path);
    const events = generateSession({ frames: 15 });
    for (const e of events) frames$.next(e);
    frames$.complete();
    const stats = await recording.done;
    expect(stats.framesIn).toBe(15);
    expect(await new RecordingReader(path).header()).toMatchObject({ room: ROOM });
  });

  it('takes a live session as it is (type level)', () => {
    // Compiles only while the core's LiveSession fits recordSession's structural parameter.
    const fits = (session: LiveSession): RecordableSession => session;
    expect(typeof fits).toBe('function');
  });

  it('stops a session recording on request', async () => {
    const frames$ = new Subject<RawFrameEvent>();
    const recording = recordSession({ frames$ }, join(dir, 'stop.dyrec'));
    frames$.next(generateSession({ frames: 1 })[1]!);
    const stats = await recording.stop('interrupted');
    expect(frames$.observed).toBe(false);
    expect(stats.framesIn).toBe(1);
    const records = await readAll(join(dir, 'stop.dyrec'));
    expect(records[0]).toMatchObject({ kind: 'header', room: null });
    expect(records.at(-1)).toMatchObject({ kind: 'end', reason: 'interrupted' });
  });
});

describe('invalid recordings', () => {
  const code = async (path: string) => {
    try {
      await readAll(path);
    } catch (error) {
      expect(isDouyinLiveError(error)).toBe(true);
      return { code: (error as { code: string }).code, message: (error as Error).message };
    }
    throw new Error('expected a RECORDING_INVALID error');
  };

  it('rejects a file that is not a recording', async () => {
    const path = join(dir, 'x.json');
    writeFileSync(path, '{"hello": "world"}');
    expect(await code(path)).toEqual({
      code: ErrorCodes.RECORDING_INVALID,
      message: expect.stringContaining('not a .dyrec recording'),
    });
  });

  it('rejects a newer format version with a message saying so', async () => {
    const events = generateSession({ frames: 2 });
    const path = join(dir, 'v2.dyrec');
    await record(path, events);
    const bytes = readFileSync(path);
    // `version: 1` is the positive fixint 0x01 right after the key "version".
    const at = bytes.indexOf(Buffer.from('\xa7version', 'latin1')) + 8;
    expect(bytes[at]).toBe(1);
    bytes[at] = 2;
    writeFileSync(path, bytes);
    const err = await code(path);
    expect(err.code).toBe(ErrorCodes.RECORDING_INVALID);
    expect(err.message).toMatch(/version 2 recording; this reader understands up to version 1/);
  });

  it('reports a missing file as RECORDING_INVALID', async () => {
    expect((await code(join(dir, 'nope.dyrec'))).code).toBe(ErrorCodes.RECORDING_INVALID);
  });

  it('reports bytes that are not MessagePack as corruption, with their offset', async () => {
    const path = join(dir, 'c.dyrec');
    await record(path, generateSession({ frames: 5 }));
    const bytes = readFileSync(path);
    // 0xc1 is the one byte MessagePack never uses; after it, a record that would be valid.
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([0xc1]), bytes.subarray(bytes.length - 20)]));
    await expect(readAll(path)).rejects.toMatchObject({
      code: ErrorCodes.RECORDING_INVALID,
      context: { offset: bytes.length },
    });
  });
});
