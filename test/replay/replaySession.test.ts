// replaySession: a recording through the live pipeline, with the live session's streams, dedupe, gaps and
// errors; timing on real, scaled, unlimited and virtual time; ack checks; from/to; parts; truncated and foreign
// files.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debounceTime, from, lastValueFrom, map, toArray, VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  decodeFrame,
  ErrorCodes,
  giftCombos,
  HEARTBEAT_FRAME,
  livePipeline,
  type DouyinLiveError,
  type LiveMessage,
  type LiveSession,
  type RawFrameEvent,
} from '@douyin-live/core';
import { encodeFrame, messageFactory } from '@douyin-live/testing';
import { RecordingReader, recordSession, type RecordingRecord } from '@douyin-live/recorder';
import { replaySession, type ReplaySession } from '@douyin-live/replay-cli';
import { generateSession, PUSH_URL } from '../recorder/session.js';
import { ROOM, writeRecording } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;

/** Everything a session put out, collected until it is done. */
async function collect(session: ReplaySession) {
  const messages: LiveMessage[] = [];
  const errors: DouyinLiveError[] = [];
  const states: string[] = [];
  const gaps: number[] = [];
  session.messages$.subscribe({ next: (m) => messages.push(m), error: () => undefined });
  session.errors$.subscribe((e) => errors.push(e));
  session.state$.subscribe((s) => states.push(s));
  session.gaps$.subscribe((g) => gaps.push(g.connection));
  const outcome = await session.done;
  return { messages, errors, states, gaps, outcome };
}

/** The messages the live pipeline makes of the recorded inbound frames, each msgId once. */
function expectedMessages(events: readonly RawFrameEvent[]): LiveMessage[] {
  const out: LiveMessage[] = [];
  const seen = new Set<string>();
  const frames = events.flatMap((e) => (e.direction === 'in' ? [e.bytes] : []));
  from(frames)
    .pipe(livePipeline())
    .subscribe((m) => {
      if (m.kind === 'message' && !seen.has(m.msgId)) {
        seen.add(m.msgId);
        out.push(m);
      }
    });
  return out;
}

describe('replaySession', () => {
  it('gives bot code the live session’s streams: every message once, errors, gaps, states, stats', async () => {
    const events = generateSession({ frames: 40, reconnectAt: 20 });
    // A re-sent frame after the reconnect, as Douyin does when the cursor overlaps.
    const resent = events.find((e) => e.direction === 'in' && e.connection === 1)!;
    const last = events.at(-1)!;
    events.splice(events.length - 1, 0, { ...resent, connection: 2, at: last.at - 1 });
    const file = join(dir, 'generated.dyrec');
    await writeRecording(file, events);

    const session = replaySession(file, { speed: 'max' });
    const live: LiveSession = session; // satisfies the interface bot code is written against
    const chats = lastValueFrom(live.chat$.pipe(toArray()));
    const { messages, errors, states, gaps, outcome } = await collect(session);

    const expected = expectedMessages(events);
    expect(messages.map((m) => m.msgId)).toEqual(expected.map((m) => m.msgId));
    expect(messages).toEqual(expected);
    expect((await chats).map((c) => c.content)).toEqual(
      expected.flatMap((m) => (m.method === 'WebcastChatMessage' && 'content' in m ? [m.content] : [])),
    );
    expect(outcome).toEqual({ reason: 'closed' });
    expect(states).toEqual(['resolving', 'connecting', 'live', 'reconnecting', 'live', 'closed']);
    // The second connection's URL carries no cursor: continuity is unproven, as the live session would say.
    expect(gaps).toEqual([2]);
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.CONNECTION_LOST, ErrorCodes.CONNECTION_LOST, ErrorCodes.GAP]);
    expect(session.stats).toEqual({
      connections: 2,
      framesIn: 41,
      framesOut: events.filter((e) => e.direction === 'out').length,
      acksSent: 20,
      heartbeatsSent: 4,
      messages: expected.length,
      duplicatesDropped: 3,
      decodeFailures: 0,
      reconnects: 1,
    });
    expect(session.room).toEqual(
      expect.objectContaining({ roomId: ROOM.roomId, webRid: ROOM.webRid, title: ROOM.title }),
    );
    expect(session.room?.userUniqueId).toBe('7300000000000000001');
    expect(session.state).toBe('closed');
    expect(session.loggedIn).toBe(false);
  });

  it('emits the recorded frames on frames$, so recording a replay gives the same records back', async () => {
    const events = generateSession({ frames: 12, reconnectAt: 6 });
    const original = join(dir, 'original.dyrec');
    await writeRecording(original, events);
    const copy = join(dir, 'copy.dyrec');
    const session = replaySession(original, { speed: 'max' });
    const recording = recordSession(session, copy, { schemaHash: 'unknown' });
    await session.done;
    await recording.done;
    const strip = (records: RecordingRecord[]) =>
      records.filter((r) => r.kind !== 'header' && r.kind !== 'end').map((r) => ({ ...r, ms: undefined }));
    const read = async (path: string) => {
      const out: RecordingRecord[] = [];
      for await (const r of new RecordingReader(path)) out.push(r);
      return out;
    };
    expect(strip(await read(copy))).toEqual(strip(await read(original)));
  });

  it('recomputes every ack with ackFor and compares it with the recorded one by connection and logId', async () => {
    const events = generateSession({ frames: 20, reconnectAt: 10 });
    const file = join(dir, 'acks.dyrec');
    await writeRecording(file, events);
    const ok = replaySession(file, { speed: 'max', checkAcks: true });
    const checks = lastValueFrom(ok.acks$.pipe(toArray()));
    await ok.done;
    expect(ok.acks).toEqual(
      expect.objectContaining({
        enabled: true,
        computed: 10,
        recorded: 10,
        matched: 10,
        mismatched: 0,
        missing: 0,
        ok: true,
      }),
    );
    expect((await checks).every((c) => c.result === 'match')).toBe(true);

    // Tamper: drop the first ack, change the second, ack a frame that needed none.
    const acks = events.filter(
      (e): e is Extract<RawFrameEvent, { bytes: Uint8Array }> => e.direction === 'out' && e.bytes.length > 4,
    );
    const dropped = acks[0]!;
    const changed = acks[1]!;
    const noAckFrame = events.find((e) => e.direction === 'in' && !acks.some((a) => a.at === e.at + 1))!;
    const tampered = events
      .filter((e) => e !== dropped)
      .map((e) =>
        e === changed
          ? {
              ...changed,
              bytes: encodeFrame({
                payloadType: 'ack',
                logId: logIdOf(changed.bytes),
                payload: new Uint8Array([1]),
                gzip: false,
              }),
            }
          : e,
      );
    tampered.splice(tampered.indexOf(noAckFrame) + 1, 0, {
      direction: 'out',
      connection: noAckFrame.connection,
      at: noAckFrame.at,
      bytes: encodeFrame({ payloadType: 'ack', logId: '42', gzip: false }),
    });
    const bad = join(dir, 'acks-bad.dyrec');
    await writeRecording(bad, tampered);
    const session = replaySession(bad, { speed: 'max', checkAcks: true });
    const results = lastValueFrom(session.acks$.pipe(toArray()));
    await session.done;
    expect(session.acks).toEqual(
      expect.objectContaining({ matched: 8, mismatched: 1, missing: 1, unexpected: 1, ok: false }),
    );
    const byResult = (await results).filter((r) => r.result !== 'match');
    expect(byResult.map((r) => [r.result, r.connection, r.logId])).toEqual(
      expect.arrayContaining([
        ['missing', 1, logIdOf(dropped.bytes)],
        ['mismatch', 1, logIdOf(changed.bytes)],
        ['unexpected', noAckFrame.connection, '42'],
      ]),
    );
  });

  it('follows the recorded timing on a virtual-time scheduler, so time-based operators behave as live', async () => {
    const f = messageFactory({ now: () => T0 });
    const streak = (n: number, end: boolean) =>
      f.gift({ user: 'alice', name: 'Rose', diamondCount: 2, repeatCount: n, groupId: '99', repeatEnd: end });
    const frame = (logId: number, messages: ReturnType<typeof f.chat>[]) =>
      encodeFrame({ logId: String(logId), response: { messages } });
    const events: RawFrameEvent[] = [
      { direction: 'open', connection: 1, at: T0, url: PUSH_URL, headers: {} },
      { direction: 'in', connection: 1, at: T0 + 1_000, bytes: frame(1, [streak(1, false)]) },
      { direction: 'in', connection: 1, at: T0 + 2_000, bytes: frame(2, [streak(2, false)]) },
      // The end marker never comes; 60 s later, a chat.
      { direction: 'in', connection: 1, at: T0 + 62_000, bytes: frame(3, [f.chat('bob', 'still here')]) },
      { direction: 'close', connection: 1, at: T0 + 63_000, code: 1000, reason: '' },
    ];
    const file = join(dir, 'virtual.dyrec');
    await writeRecording(file, events);

    const scheduler = new VirtualTimeScheduler();
    const started = Date.now();
    const session = replaySession(file, { scheduler });
    const times: number[] = [];
    session.messages$.subscribe(() => times.push(scheduler.now()));
    const combos = lastValueFrom(
      session.gift$.pipe(giftCombos({ emit: 'end', timeoutMs: 10_000, scheduler }), toArray()),
    );
    await session.done;
    expect(Date.now() - started).toBeLessThan(5_000); // a minute of recording, no real waiting
    expect(times).toEqual([1_000, 2_000, 62_000]);
    const [end] = await combos;
    expect(end).toEqual(
      expect.objectContaining({
        type: 'end',
        reason: 'timeout',
        total: 2,
        diamonds: 4,
        startedAt: 1_000,
        endedAt: 12_000,
      }),
    );
  });

  it('drives an RxJS TestScheduler (outside run()) the same way, e.g. for debounceTime', async () => {
    const f = messageFactory({ now: () => T0 });
    const at = (ms: number, text: string, logId: number): RawFrameEvent => ({
      direction: 'in',
      connection: 1,
      at: T0 + ms,
      bytes: encodeFrame({ logId: String(logId), response: { messages: [f.chat('a', text)] } }),
    });
    const file = join(dir, 'debounce.dyrec');
    await writeRecording(file, [
      at(0, 'a', 1),
      at(500, 'b', 2),
      at(5_000, 'c', 3),
      at(5_200, 'd', 4),
      at(30_000, 'e', 5),
    ]);
    const scheduler = new TestScheduler(() => undefined);
    const session = replaySession(file, { scheduler });
    const quiet = lastValueFrom(
      session.chat$.pipe(
        debounceTime(2_000, scheduler),
        map((c) => `${c.content}@${scheduler.now()}`),
        toArray(),
      ),
    );
    await session.done;
    expect(await quiet).toEqual(['b@2500', 'd@7200', 'e@30000']);
  });

  it('plays at the recorded pace scaled by speed, or without waiting at max', async () => {
    const f = messageFactory({ now: () => T0 });
    const events: RawFrameEvent[] = [
      { direction: 'open', connection: 1, at: T0, url: PUSH_URL, headers: {} },
      ...[0, 200, 400, 600].map((ms, i): RawFrameEvent => ({
        direction: 'in',
        connection: 1,
        at: T0 + ms,
        bytes: encodeFrame({ logId: String(i + 1), response: { messages: [f.chat('a', `m${i}`)] } }),
      })),
    ];
    const file = join(dir, 'paced.dyrec');
    await writeRecording(file, events);
    const timed = async (speed: number | 'max') => {
      const started = Date.now();
      const session = replaySession(file, { speed });
      const at: number[] = [];
      session.messages$.subscribe(() => at.push(Date.now() - started));
      await session.done;
      return at;
    };
    const fourTimes = await timed(4);
    expect(fourTimes).toHaveLength(4);
    expect(fourTimes[3]! - fourTimes[0]!).toBeGreaterThanOrEqual(140); // 600 ms / 4, less timer slack
    expect(fourTimes[3]! - fourTimes[0]!).toBeLessThan(500);
    const max = await timed('max');
    expect(max[3]!).toBeLessThan(140);
  });

  it('plays only --from to --to, with earlier records still deduped but silent', async () => {
    const f = messageFactory({ now: () => T0 });
    const chat = f.chat('a', 'first');
    const events: RawFrameEvent[] = [
      { direction: 'open', connection: 1, at: T0, url: PUSH_URL, headers: {} },
      {
        direction: 'in',
        connection: 1,
        at: T0 + 1_000,
        bytes: encodeFrame({ logId: '1', response: { messages: [chat] } }),
      },
      // The same message again after `from`: a repeat, dropped although its first copy was not shown.
      {
        direction: 'in',
        connection: 1,
        at: T0 + 6_000,
        bytes: encodeFrame({ logId: '2', response: { messages: [chat, f.chat('a', 'second')] } }),
      },
      {
        direction: 'in',
        connection: 1,
        at: T0 + 9_000,
        bytes: encodeFrame({ logId: '3', response: { messages: [f.chat('a', 'third')] } }),
      },
      {
        direction: 'in',
        connection: 1,
        at: T0 + 20_000,
        bytes: encodeFrame({ logId: '4', response: { messages: [f.chat('a', 'late')] } }),
      },
    ];
    const file = join(dir, 'window.dyrec');
    await writeRecording(file, events);
    const scheduler = new VirtualTimeScheduler();
    const session = replaySession(file, { scheduler, from: '5s', to: 10_000 });
    const times: number[] = [];
    session.chat$.subscribe(() => times.push(scheduler.now()));
    const { messages, outcome } = await collect(session);
    expect(messages.map((m) => ('content' in m ? m.content : ''))).toEqual(['second', 'third']);
    expect(times).toEqual([1_000, 4_000]); // the clock starts at `from`
    expect(outcome.reason).toBe('closed');
    expect(() => replaySession(file, { from: '10s', to: '5s' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
  });

  it('continues into the next part of a rotated recording', async () => {
    const events = generateSession({ frames: 60, reconnectAt: 30 });
    const file = join(dir, 'rotated.dyrec');
    await writeRecording(file, events, { maxPartBytes: 8_000 });
    expect(readFileSync(join(dir, 'rotated.1.dyrec')).length).toBeGreaterThan(0);
    const { messages } = await collect(replaySession(file, { speed: 'max' }));
    expect(messages.map((m) => m.msgId)).toEqual(expectedMessages(events).map((m) => m.msgId));
  });

  it('replays a truncated recording up to the cut, then says so on errors$', async () => {
    const events = generateSession({ frames: 30, reconnectAt: 100 });
    const file = join(dir, 'cut.dyrec');
    await writeRecording(file, events);
    const whole = await collect(replaySession(file, { speed: 'max' }));
    truncateSync(file, Math.floor(readFileSync(file).length * 0.6));
    const session = replaySession(file, { speed: 'max' });
    const cut = await collect(session);
    expect(cut.messages.length).toBeGreaterThan(0);
    expect(cut.messages.length).toBeLessThan(whole.messages.length);
    expect(cut.messages).toEqual(whole.messages.slice(0, cut.messages.length));
    const notice = cut.errors.at(-1)!;
    expect(notice.code).toBe(ErrorCodes.RECORDING_TRUNCATED);
    expect(notice.message).toMatch(/is cut short at byte \d+ .*replayed up to the cut/);
    expect(notice.context).toEqual(expect.objectContaining({ truncated: true }));
    expect(cut.outcome).toEqual({ reason: 'closed' });
    expect(session.truncated).toBe(true);
  });

  it('fails clearly on a file that is not a recording (and on an empty or missing one)', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'this is not a recording\n');
    const empty = join(dir, 'empty.dyrec');
    writeFileSync(empty, '');
    for (const [path, pattern] of [
      [text, /is not a \.dyrec recording/],
      [empty, /is not a \.dyrec recording \(it is empty/],
      [join(dir, 'missing.dyrec'), /cannot open/],
    ] as const) {
      const session = replaySession(path, { speed: 'max' });
      const { errors, outcome, messages } = await collect(session);
      expect(outcome.reason).toBe('failed');
      const error = (outcome as { error: DouyinLiveError }).error;
      expect(error.code).toBe(ErrorCodes.RECORDING_INVALID);
      expect(error.message).toMatch(pattern);
      expect(errors.at(-1)).toBe(error);
      expect(messages).toEqual([]);
      expect(session.state).toBe('closed');
    }
  });

  it('stops at close(), completing every stream', async () => {
    const events = generateSession({ frames: 10 }).map((e, i) => ({ ...e, at: T0 + i * 1_000 }));
    const file = join(dir, 'slow.dyrec');
    await writeRecording(file, events);
    const session = replaySession(file);
    const all = lastValueFrom(session.messages$.pipe(toArray()));
    await new Promise((r) => setTimeout(r, 50));
    await session.close();
    expect(await session.done).toEqual({ reason: 'closed' });
    expect((await all).length).toBeLessThan(5);
  });

  it('counts heartbeats and acks among the recorded outbound frames without sending anything', async () => {
    const events: RawFrameEvent[] = [
      { direction: 'open', connection: 1, at: T0, url: PUSH_URL, headers: {} },
      { direction: 'out', connection: 1, at: T0 + 1, bytes: HEARTBEAT_FRAME },
    ];
    const file = join(dir, 'hb.dyrec');
    await writeRecording(file, events);
    const session = replaySession(file, { speed: 'max', checkAcks: true });
    await session.done;
    expect(session.stats).toEqual(expect.objectContaining({ framesOut: 1, heartbeatsSent: 1, acksSent: 0 }));
    expect(session.acks).toEqual(expect.objectContaining({ recorded: 0, computed: 0, ok: true }));
  });
});

/** The logId of an encoded frame, read back with the pipeline's own frame decoder. */
function logIdOf(bytes: Uint8Array): string {
  const frame = decodeFrame(bytes);
  return frame.kind === 'frame' ? frame.logId : '';
}
