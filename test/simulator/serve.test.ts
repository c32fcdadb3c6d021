import { runCli } from '../../packages/replay-cli/src/cli.js';
import { testContext } from '../helpers/cliContext.js';
import { get } from './helpers.js';

describe('douyin-live serve', () => {
  it('prints the HTTP and WebSocket URLs first, serves until interrupted, then shuts down', async () => {
    const t = testContext();
    const done = runCli(['serve', '--rooms', '2', '--page', 'render-data', '--seed', '3'], t);
    const line = await t.firstLine;
    const m =
      /^douyin-live simulator: (http:\/\/127\.0\.0\.1:\d+) (ws:\/\/127\.0\.0\.1:\d+\/webcast\/im\/push\/v2\/)$/.exec(
        line,
      );
    expect(m).not.toBeNull();
    expect(t.lines.slice(1)).toEqual([
      expect.stringContaining('room 261378947940 (room_id 7400000000000000001)'),
      expect.stringContaining('room 261378947941 (room_id 7400000000000000002)'),
    ]);
    const page = await get(`${m![1]}/261378947941`);
    expect(page.body.toString()).toContain('RENDER_DATA');
    t.interrupt();
    expect(await done).toBe(0);
    expect(t.lines.at(-1)).toMatch(/^stopped \(interrupted\): 0 connections/);
  });

  it('exits by itself with --exit-on-end when the scenario ends', async () => {
    const t = testContext();
    expect(await runCli(['serve', '--exit-on-end', '--duration', '30', '--speed', '4'], t)).toBe(0);
    expect(t.lines.at(-1)).toMatch(/^stopped \(live ended\)/);
  });

  it('fails with one line naming the file when the recording to serve does not exist', async () => {
    const t = testContext();
    expect(await runCli(['serve', 'no-such-session.dyrec'], t)).toBe(1);
    expect(t.errors).toEqual([
      expect.stringMatching(/^douyin-live: cannot open no-such-session\.dyrec: .*\[RECORDING_INVALID\]$/),
    ]);
  });

  it('reports bad fault options as INVALID_ARGUMENT', async () => {
    const t = testContext();
    expect(await runCli(['serve', '--close-after', '1', '--close-code', '1005'], t)).toBe(1);
    expect(t.errors.join('\n')).toContain('[INVALID_ARGUMENT]');
  });
});
