// `douyin-live doctor` and `diagnoseRoom` against the simulator, one fault at a time: the failing stage is named
// in the text and in the JSON, with a hint; exit 0 only when live messages flowed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseRoom } from '../../packages/core/src/diagnose/diagnoseRoom.js';
import { DIAGNOSIS_STAGES, type DiagnosisEvent } from '../../packages/core/src/diagnose/types.js';
import { inflaterInUse } from '../../packages/core/src/pipeline/inflate.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '@douyin-live/simulator';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { testContext } from '../helpers/cliContext.js';
import { FAST_SCENARIO } from '../simulator/helpers.js';

const ROOM = '261378947940';

async function withSim<T>(options: SimulatorOptions, body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ scenario: { seed: 11, ...FAST_SCENARIO }, ...options });
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/** Runs `doctor` in-process; returns exit code and stdout lines. */
async function doctor(args: string[]): Promise<{ code: number; lines: string[]; errors: string[] }> {
  const ctx = testContext();
  const code = await runCli(['doctor', ...args], ctx);
  return { code, lines: ctx.lines, errors: ctx.errors };
}

interface Fault {
  name: string;
  sim: SimulatorOptions;
  /** Runs before doctor (e.g. ends the live). */
  prepare?: (sim: Simulator) => void;
  room?: string;
  exit: 0 | 1;
  stage: string;
  /** The failing stage's line says this. */
  says: RegExp;
  /** The verdict's hint says this. */
  hint: RegExp;
}

const FAULTS: Fault[] = [
  {
    name: 'a risk-control room page (the join goes on through web/enter)',
    sim: { page: 'risk' },
    exit: 0,
    stage: 'room-page',
    says: /risk-control page/,
    hint: /risk-control/,
  },
  {
    name: 'a room that does not exist',
    sim: {},
    room: 'no-such-room',
    exit: 1,
    stage: 'room-page',
    says: /does not exist/,
    hint: /check the URL/,
  },
  {
    name: 'an ended live',
    sim: {},
    prepare: (sim) => sim.endLive(),
    exit: 1,
    stage: 'enter',
    says: /not live: status 4 \(ended\)/,
    hint: /not live/,
  },
  {
    name: 'refused handshakes',
    sim: { rejectHandshakes: 5 },
    exit: 1,
    stage: 'handshake',
    says: /handshake refused: DEVICE_BLOCKED/,
    hint: /DEVICE_BLOCKED — the signature or the browser fingerprint was refused/,
  },
  {
    name: 'a stall right after the handshake',
    sim: { stallAfter: 0 },
    exit: 1,
    stage: 'first-frame',
    says: /no frame in \d+ ms after the handshake/,
    hint: /connected but nothing arrives/,
  },
  {
    name: 'gifts withheld from guests',
    sim: { withholdGiftsFromGuests: true },
    exit: 0,
    stage: 'login',
    says: /guest: no gift in \d+ ms/,
    hint: /--cookie-file/,
  },
];

describe('douyin-live doctor', () => {
  it('all stages ✓ on a healthy room, exit 0', () =>
    withSim({}, async (sim) => {
      const { code, lines } = await doctor([ROOM, '--endpoint', sim.httpUrl]);
      expect(code).toBe(0);
      const stageLines = lines.filter((l) => /^[✓✗!-] /.test(l));
      expect(stageLines.map((l) => l.split(/\s+/)[1])).toEqual([...DIAGNOSIS_STAGES, 'live']);
      expect(stageLines.every((l) => l.startsWith('✓'))).toBe(true);
      expect(lines.join('\n')).toMatch(/handshake\s+\d+ ms\s+101 Switching Protocols/);
      expect(lines.join('\n')).toMatch(/format pace_f · roomId 7400000000000000001 · status 2 · viewerId \d+/);
      expect(lines.at(-1)).toMatch(/^✓ live messages flowed \(\d+ ms\)$/);
    }));

  describe.each(FAULTS)('$name', (fault) => {
    const args = (sim: Simulator) => [fault.room ?? ROOM, '--endpoint', sim.httpUrl, '--timeout', '3s'];

    it(`text: ✗/! on ${fault.stage}, a verdict with a hint, exit ${fault.exit}`, () =>
      withSim(fault.sim, async (sim) => {
        fault.prepare?.(sim);
        const { code, lines } = await doctor(args(sim));
        expect(code).toBe(fault.exit);
        const line = lines.find((l) => new RegExp(`^[✗!] ${fault.stage} `).test(l));
        expect(line).toMatch(fault.says);
        const verdict = lines.findIndex((l) => /^[✓✗] (live messages flowed|\S+ failed)/.test(l));
        expect(lines[verdict]).toContain(fault.stage);
        expect(lines[verdict + 1]).toMatch(fault.hint);
      }));

    it(`json: one object per stage, the verdict naming ${fault.stage}`, () =>
      withSim(fault.sim, async (sim) => {
        fault.prepare?.(sim);
        const { code, lines } = await doctor([...args(sim), '--json']);
        expect(code).toBe(fault.exit);
        const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(events.map((e) => e['stage'] ?? e['kind'])).toEqual([
          ...DIAGNOSIS_STAGES,
          // The verdict names the stage too.
          fault.stage,
        ]);
        const failing = events.find((e) => e['kind'] === 'stage' && e['stage'] === fault.stage)!;
        expect(failing['status']).toMatch(/^(fail|warn)$/);
        expect(failing['summary']).toMatch(fault.says);
        expect(events.at(-1)).toMatchObject({ kind: 'verdict', ok: fault.exit === 0, stage: fault.stage });
        expect(events.at(-1)!['hint']).toMatch(fault.hint);
      }));
  });

  it('a logged-in cookie gets the withheld gifts: login ✓', () =>
    withSim({ withholdGiftsFromGuests: true }, async (sim) => {
      const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
      try {
        writeFileSync(join(dir, 'cookie.txt'), 'sessionid=abc123\n');
        const { code, lines } = await doctor([
          ROOM,
          '--endpoint',
          sim.httpUrl,
          '--cookie-file',
          join(dir, 'cookie.txt'),
        ]);
        expect(code).toBe(0);
        expect(lines.find((l) => / login /.test(l))).toMatch(/^✓ login .*logged in/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));

  it('nothing listening: network ✗ and everything after it skipped', async () => {
    const sim = await startSimulator({});
    const url = sim.httpUrl;
    await sim.close();
    const { code, lines } = await doctor([ROOM, '--endpoint', url, '--timeout', '2s']);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^✗ network .*ECONNREFUSED/);
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(DIAGNOSIS_STAGES.length - 1);
  });

  it('rejects a bad --timeout before connecting', async () => {
    const { code, errors } = await doctor([ROOM, '--timeout', 'soon']);
    expect(code).toBe(1);
    expect(errors[0]).toMatch(/not a duration.*INVALID_ARGUMENT/);
  });
});

describe('diagnoseRoom', () => {
  it('yields every stage in order as it is known, then the verdict', () =>
    withSim({}, async (sim) => {
      const events: DiagnosisEvent[] = [];
      for await (const event of diagnoseRoom({ room: ROOM, endpoints: sim.httpUrl })) events.push(event);
      expect(events.map((e) => (e.kind === 'stage' ? e.stage : e.kind))).toEqual([...DIAGNOSIS_STAGES, 'verdict']);
      expect(events.at(-1)).toMatchObject({ kind: 'verdict', ok: true, stage: undefined, hint: undefined });
      // What the stages found came from the simulator's own room.
      const byStage = new Map(events.flatMap((e) => (e.kind === 'stage' ? [[e.stage, e] as const] : [])));
      expect(byStage.get('enter')!.facts).toMatchObject({ roomId: '7400000000000000001', status: 2 });
      expect(byStage.get('im-fetch')!.facts['pushServer']).toBe(sim.wsUrl.replace(/\/webcast.*$/, ''));
      // Which inflater runs here, as inflaterInUse() says (libdeflate where @douyin-live/libdeflate is built).
      const inflater = inflaterInUse();
      expect(byStage.get('first-frame')!.facts['inflater']).toBe(
        inflater.name === 'libdeflate' ? `libdeflate ${inflater.version}` : 'zlib',
      );
      // The socket is closed right after the last ack: the simulator may still be reading it.
      const seen = await sim.waitFor((stats) => stats.heartbeats > 0 && stats.acks.length > 0);
      expect(seen.acks.every((a) => a.matched)).toBe(true);
    }));

  it('stops where the budget is spent: a slow room page times out, web/enter is not run', () =>
    withSim({ slowPage: 1000 }, async (sim) => {
      const events: DiagnosisEvent[] = [];
      for await (const event of diagnoseRoom({ room: ROOM, endpoints: sim.httpUrl, timeoutMs: 300 }))
        events.push(event);
      const byStage = new Map(events.flatMap((e) => (e.kind === 'stage' ? [[e.stage, e] as const] : [])));
      expect(byStage.get('room-page')).toMatchObject({ status: 'fail', error: { code: 'HTTP_FAILED' } });
      expect(byStage.get('room-page')!.error!.context.network).toBe('ETIMEDOUT');
      expect(byStage.get('enter')).toMatchObject({ status: 'fail', summary: 'not run: the 300 ms budget is spent' });
      expect(byStage.get('login')!.status).toBe('skipped');
      expect(events.at(-1)).toMatchObject({ kind: 'verdict', ok: false, stage: 'room-page' });
    }));

  it('throws INVALID_ARGUMENT for a bad room or budget', async () => {
    await expect(diagnoseRoom({ room: 'a b' }).next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(diagnoseRoom({ room: ROOM, timeoutMs: 0 }).next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
