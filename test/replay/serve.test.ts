// A recording played by the simulator (`douyin-live serve <file>`): a live session joining it over loopback
// gets the recorded messages, in order, at the recorded pace (scaled by --speed).
import { lastValueFrom, toArray } from 'rxjs';
import { connectLiveSession, type ChatMessage } from '@douyin-live/core';
import { startSimulator } from '@douyin-live/simulator';
import { recordingSource, replaySession, runCli } from '@douyin-live/replay-cli';
import { recordingRoom } from '../../packages/replay-cli/src/commands/serve.js';
import { fixture, testContext } from './helpers.js';

/** The chats a replay of the recording gives, as `msgId content`. */
async function recordedChats(file: string): Promise<string[]> {
  const session = replaySession(file, { speed: 'max' });
  const chats = lastValueFrom(session.chat$.pipe(toArray()));
  await session.done;
  return (await chats).map(key);
}

const key = (c: ChatMessage) => `${c.msgId} ${c.content}`;
// A logged-in viewer: the simulator masks nothing more.
const COOKIE = 'sessionid=serve-test-session';

it('a recording as the simulator source: every recorded message once, repeats from reconnects dropped', async () => {
  const recording = await recordingSource(fixture('busy-room'));
  const sim = await startSimulator({
    rooms: [recordingRoom({ webRid: '1' }, recording)],
    speed: 8,
    // Everything played before the client joined comes with im/fetch.
    historySize: 100,
  });
  try {
    const session = connectLiveSession({ room: sim.rooms[0]!.webRid, endpoints: sim.httpUrl, cookie: COOKIE });
    const chats = lastValueFrom(session.chat$.pipe(toArray()));
    const outcome = await session.done;
    expect(outcome.reason).toBe('ended');
    expect((await chats).map(key)).toEqual(await recordedChats(fixture('busy-room')));
    expect(recording.stats.duplicates).toBeGreaterThan(0);
    expect(sim.rooms[0]).toEqual(expect.objectContaining({ roomId: '7400000000000000001', webRid: '261378947940' }));
  } finally {
    await sim.close();
  }
});

it('douyin-live serve <file> plays a recording made by `record`, then exits with --exit-on-end', async () => {
  const ctx = testContext();
  const served = runCli(['serve', fixture('faulty-room'), '--speed', '5', '--exit-on-end'], ctx);
  const started = Date.now();
  while (!ctx.lines.some((l) => l.startsWith('douyin-live simulator:')) && Date.now() - started < 5_000) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(ctx.lines[0]).toMatch(/^playing .*faulty-room\.dyrec \(recorded .*\) at speed 5$/);
  const httpUrl = /simulator: (\S+)/.exec(ctx.lines.find((l) => l.startsWith('douyin-live simulator:'))!)![1]!;
  const session = connectLiveSession({ room: '261378947940', endpoints: httpUrl, cookie: COOKIE });
  const chats = lastValueFrom(session.chat$.pipe(toArray()));
  const errors = lastValueFrom(session.errors$.pipe(toArray()));
  expect((await session.done).reason).toBe('ended');
  expect(await served).toBe(0);
  expect(ctx.lines.at(-1)).toMatch(/^stopped \(live ended\)/);
  // The chats arrive in recorded order (those before the join come from im/fetch's short history).
  const recorded = await recordedChats(fixture('faulty-room'));
  const live = (await chats).map(key);
  expect(live.length).toBeGreaterThan(recorded.length / 2);
  expect(recorded.slice(recorded.indexOf(live[0]!))).toEqual(live);
  // The recorded garbage frames are pushed again as they were: faults stay faults.
  expect((await errors).some((e) => e.code === 'FRAME_DECODE_FAILED')).toBe(true);
});

it('refuses a file that is not a recording', async () => {
  const ctx = testContext();
  expect(await runCli(['serve', __filename, '--exit-on-end'], ctx)).toBe(1);
  expect(ctx.errors[0]).toMatch(/is not a \.dyrec recording.*\[RECORDING_INVALID\]/);
});
