import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { maskNickname, startSimulator } from '@douyin-live/simulator';
import { decodeWire } from '@douyin-live/testing';

const SCRIPT = join(__dirname, '..', 'legacy-client', 'legacy_client.py');
const HAS_PYTHON = spawnSync('python3', ['--version']).status === 0;
if (!HAS_PYTHON) console.warn('python3 not found: SKIPPING the legacy (late-2022) Python client test');

/** Runs the Python client; resolves with its exit code and output. */
function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a late-2022 client (Python, stdlib only)', () => {
  (HAS_PYTHON ? it : it.skip)('reads RENDER_DATA, connects unsigned, acks and prints the chat lines', async () => {
    const sim = await startSimulator({
      page: 'render-data',
      verifySignature: false,
      title: '老客户端测试',
      scenario: { seed: 5, tickMs: 10, chatPerSecond: 300, likePerSecond: 50, giftPerSecond: 20, statsIntervalMs: 50 },
    });
    try {
      const wanted = 25;
      const result = await runPython([sim.httpUrl, '261378947940', String(wanted)]);
      expect(result.stderr).toContain('room 7400000000000000001 老客户端测试 (1.2万)');
      expect(result.code).toBe(0);
      const printed = result.stdout.trim().split('\n');
      expect(printed).toHaveLength(wanted);
      // A guest: the nicknames are masked. The lines are a run of the room's chat, in order.
      const expected = sim
        .timeline()
        .filter((e) => e.message?.method === 'WebcastChatMessage')
        .map((e) => {
          const chat = decodeWire('ChatMessage', e.message!.payload);
          return `${maskNickname(chat.user?.nickname ?? '')}: ${chat.content}`;
        });
      const starts = expected
        .map((_, i) => i)
        .filter((i) => expected.slice(i, i + wanted).join('\n') === printed.join('\n'));
      expect(starts.length).toBeGreaterThan(0);
      // It took its ttwid from the page itself, connected without a signature and acked (with the body value).
      expect(sim.stats.handshakesAccepted).toBe(1);
      expect(sim.stats.httpRequests['/261378947940']).toBe(1);
      expect(sim.stats.acks.length).toBeGreaterThan(0);
      expect(sim.stats.acks.every((a) => a.reason === 'body-internal-ext')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
