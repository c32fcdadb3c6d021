// `douyin-live watch` end to end: the CLI against the simulator, JSON lines out, state changes on stderr.
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { startSimulator } from '@douyin-live/simulator';
import { testContext } from '../helpers/cliContext.js';

describe('douyin-live watch', () => {
  it('prints one JSON object per message with method, msgId, roomId and friendly fields; --only filters', async () => {
    // Long enough that the live is still on when the client, paced politely by the room pool, connects.
    const sim = await startSimulator({
      scenario: { seed: 5, tickMs: 10, chatPerSecond: 100, likePerSecond: 50, durationMs: 1500 },
    });
    try {
      const t = testContext();
      expect(await runCli(['watch', '261378947940', '--endpoint', sim.httpUrl, '--json', '--only', 'chat'], t)).toBe(0);
      const lines = t.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(0);
      for (const m of lines) {
        expect(m).toMatchObject({
          method: 'WebcastChatMessage',
          msgId: expect.stringMatching(/^\d+$/),
          roomId: '7400000000000000001',
          content: expect.any(String),
        });
      }
      const sentChats = sim.stats.messagesSent['261378947940']!.filter((m) => m.method === 'WebcastChatMessage');
      expect(lines.map((m) => m['msgId'])).toEqual([...new Set(sentChats.map((m) => m.msgId))]);
      const states = t.errors
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => 'state' in l)
        .map((l) => l['state']);
      expect(states).toEqual(['resolving', 'connecting', 'live', 'ended']);
    } finally {
      await sim.close();
    }
  });

  it('rejects an unknown --only kind before connecting', async () => {
    const t = testContext();
    expect(
      await runCli(['watch', '261378947940', '--only', 'chat,nonsense', '--endpoint', 'http://127.0.0.1:9'], t),
    ).toBe(1);
    expect(t.errors[0]).toMatch(/unknown kind "nonsense"/);
  });
});
