#!/usr/bin/env node
// Regenerates the recordings in fixtures/ and their golden files: each one is the project's own `douyin-live
// record` run against its own simulator playing a seeded scenario (with faults), then `douyin-live verify
// --update` writes the golden NDJSON that `npm test` compares every replay with.
//
// Usage: npm run build && node scripts/make-fixtures.mjs            (all fixtures, ~30 s: they record in real time)
//        node scripts/make-fixtures.mjs quiet-room                  (only the named ones)
//
// The scenarios are seeded, so every run records the same messages (texts, gifts, combo streaks, msgIds). What
// moves between runs: timestamps, how messages around a reconnect are split into frames, and the pseudonyms of
// the busy room (`--redact-users` draws a fresh key per recording). Regenerate a recording and its golden
// together (this script does), and commit both.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@douyin-live/simulator';
import { runCli } from '@douyin-live/replay-cli';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(root, 'fixtures');

// Lines the example bots react to (keywordBot: "hello" / "你好") mixed with ordinary chat.
const CHAT_LINES = ['hello 主播', '你好呀', '666', '主播好！', '来了来了', '点赞点赞', '这个好看', '哈哈哈哈'];

/** The fixtures: simulator options, and whether the recording client is logged in (else a masked guest). */
const FIXTURES = [
  {
    name: 'busy-room',
    about:
      'busy room: chat, gift combo streaks, likes, entries, follows, shares; two dropped connections (1006) with resume and re-sent messages',
    loggedIn: true,
    simulator: {
      scenario: {
        seed: 11,
        tickMs: 200,
        chatPerSecond: 10,
        giftPerSecond: 1.5,
        likePerSecond: 5,
        memberPerSecond: 3,
        followPerSecond: 0.5,
        sharePerSecond: 0.3,
        maxCombo: 12,
        durationMs: 9_000,
        chatLines: CHAT_LINES,
      },
      dropAfter: 12,
      faultConnections: 2,
      resend: 4,
    },
  },
  {
    name: 'quiet-room',
    about: 'quiet room that ends: a few messages, then the live ends (ControlMessage action 3, confirmed by web/enter)',
    loggedIn: false,
    simulator: {
      scenario: {
        seed: 5,
        chatPerSecond: 0.8,
        giftPerSecond: 0.2,
        likePerSecond: 0.5,
        memberPerSecond: 0.5,
        durationMs: 6_000,
        chatLines: CHAT_LINES,
      },
    },
  },
  {
    name: 'faulty-room',
    about: 'faults: a frame that is not a PushFrame after every 6th frame, a corrupt-gzip copy after every 4th',
    loggedIn: false,
    simulator: {
      scenario: {
        seed: 7,
        chatPerSecond: 5,
        likePerSecond: 2,
        memberPerSecond: 1,
        durationMs: 5_000,
        chatLines: CHAT_LINES,
      },
      garbageEvery: 6,
      corruptGzipEvery: 4,
    },
  },
];

/** A CLI context that collects output (the commands' lines are printed indented). */
function context() {
  return {
    out: (line) => console.log(`    ${line}`),
    err: (line) => console.log(`    ${line}`),
    readStdin: () => new Uint8Array(0),
    colour: false,
    interrupted: () => new Promise(() => undefined),
  };
}

async function make(fixture, scratch) {
  const file = join(fixturesDir, `${fixture.name}.dyrec`);
  const golden = join(fixturesDir, `${fixture.name}.golden.ndjson`);
  console.log(`${fixture.name}: ${fixture.about}`);
  const sim = await startSimulator(fixture.simulator);
  try {
    const args = ['record', sim.rooms[0].webRid, '-o', file, '--endpoint', sim.httpUrl, '--duration', '60s'];
    if (fixture.loggedIn) {
      // A made-up login cookie: the simulator then sends real (scenario) nicknames, which --redact-users replaces.
      const cookieFile = join(scratch, `${fixture.name}.cookie`);
      writeFileSync(cookieFile, 'sessionid=fixture0000000000000000; ttwid=fixture0000000000');
      args.push('--cookie-file', cookieFile, '--redact-users');
    }
    const code = await runCli(args, context());
    if (code !== 0) throw new Error(`record exited ${code}`);
  } finally {
    await sim.close();
  }
  const code = await runCli(['verify', file, '--expected', golden, '--update'], context());
  if (code !== 0) throw new Error(`verify --update exited ${code}`);
  console.log(
    `  ${file}: ${(statSync(file).size / 1024).toFixed(1)} KiB, golden ${(statSync(golden).size / 1024).toFixed(1)} KiB\n`,
  );
}

const wanted = process.argv.slice(2);
const chosen = FIXTURES.filter((f) => wanted.length === 0 || wanted.includes(f.name));
if (chosen.length === 0) {
  console.error(`no fixture named ${wanted.join(', ')} (have: ${FIXTURES.map((f) => f.name).join(', ')})`);
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'dyrec-fixtures-'));
try {
  for (const fixture of chosen) await make(fixture, scratch);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
