// The relay's client examples, run as a user would run them, against a relay fed by the simulator: the Python
// SSE client prints the chat; the Python WebSocket client prints the same JSON objects a Node client receives.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { scenario } from '@douyin-live/testing';
import { ROOM, simRelay, until, WsReader, wsUrl } from '../test/relay/helpers.js';

const HAS_PYTHON = spawnSync('python3', ['--version']).status === 0;
if (!HAS_PYTHON) console.warn('python3 not found: SKIPPING the relay client examples (examples/relay_*.py)');
const itWithPython = HAS_PYTHON ? it : it.skip;

const LIVE = scenario()
  .chat('小明', '大家好')
  .chat('用户***', '第一次来')
  .gift('小红', '玫瑰', { combo: 3 })
  .after('100ms')
  .chat('小红', '主播加油')
  .viewers(1234)
  .after('100ms')
  .end();

/** Runs a Python example; resolves with its exit code and output. */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn('python3', [join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const out: string[] = [];
  let err = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = partial + d.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop()!;
    out.push(...lines);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { out, exited, stderr: () => err, kill: () => child.kill() };
}

describe('relay client examples', () => {
  itWithPython('relay_client.py (standard library, SSE) prints the chat', async () => {
    const r = await simRelay({ scenario: LIVE }, { token: 'py-token' });
    try {
      const client = run('relay_client.py', [r.relay.url, '--room', ROOM, '--token', 'py-token', '--exit-on-end']);
      await until(() => r.relay.stats.sseClients === 1, 'the Python client to connect');
      await r.join();
      expect(await client.exited).toBe(0);
      expect(client.stderr()).toBe('');
      expect(client.out).toEqual(['小明: 大家好', '用户*** (guest): 第一次来', '小红: 主播加油']);
    } finally {
      await r.close();
    }
  });

  itWithPython('relay_client.py says why when the token is wrong', async () => {
    const r = await simRelay({ scenario: LIVE }, { token: 'right' });
    try {
      const client = run('relay_client.py', [r.relay.url, '--token', 'wrong']);
      expect(await client.exited).toBe(1);
      expect(client.stderr()).toMatch(/relay refused: 401 .*wrong token/);
    } finally {
      await r.close();
    }
  });

  itWithPython('relay_ws_client.py (standard library, WebSocket) prints what a Node ws client receives', async () => {
    const r = await simRelay({ scenario: LIVE }, { token: 'ws-token' });
    try {
      const query = `/ws?rooms=${ROOM}&only=chat,gift,viewers`;
      const client = run('relay_ws_client.py', [wsUrl(r.relay, query)], { RELAY_TOKEN: 'ws-token' });
      const node = new WsReader(wsUrl(r.relay, `${query}&token=ws-token`));
      await node.opened;
      await until(() => r.relay.stats.wsClients === 2, 'the Python client to connect');
      await r.join();
      await until(() => node.events.some((e) => e['state'] === 'ended'), 'the live to end');
      await until(() => client.out.length === node.events.length, 'the Python client to print as much');
      await r.relay.close(); // close 1001: the example returns
      expect(await client.exited).toBe(0);
      const printed = client.out.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(printed).toEqual(node.events);
      const methods = printed.filter((e) => e['kind'] === 'message').map((e) => String(e['method']));
      expect(methods.sort()).toEqual([
        'WebcastChatMessage',
        'WebcastChatMessage',
        'WebcastChatMessage',
        'WebcastGiftMessage',
        'WebcastGiftMessage',
        'WebcastGiftMessage',
        'WebcastRoomUserSeqMessage',
      ]);
    } finally {
      await r.close();
    }
  });
});
