// Shared by the slow packaging tests: when they run, and a child process runner. Both are skipped inside the fresh clone that freshClone.test.ts makes (the
// outer run on the same commit covers them); the fresh clone itself, which pays for a full `npm ci`, runs on CI
// (`CI` set, as CI services do) or on request.
import { spawn } from 'node:child_process';

/** Whether a slow packaging test runs here, and why not when it does not. */
export interface SlowTestGate {
  readonly run: boolean;
  readonly why: string;
}

const INSIDE_CLONE: SlowTestGate = {
  run: false,
  why: 'inside the fresh clone of test/packaging/freshClone.test.ts; its outer run covers it',
};

/** The packed-tarballs test: everywhere but inside the fresh clone. */
export function packTestGate(env: NodeJS.ProcessEnv = process.env): SlowTestGate {
  return env['DOUYIN_LIVE_INSIDE_FRESH_CLONE'] === '1' ? INSIDE_CLONE : { run: true, why: '' };
}

/** The fresh-clone test: on CI or with `DOUYIN_LIVE_SLOW_TESTS=1`, never inside its own clone. */
export function freshCloneTestGate(env: NodeJS.ProcessEnv = process.env): SlowTestGate {
  if (env['DOUYIN_LIVE_INSIDE_FRESH_CLONE'] === '1') return INSIDE_CLONE;
  const ci = env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== '0' && env['CI'] !== 'false';
  if (ci || env['DOUYIN_LIVE_SLOW_TESTS'] === '1') return { run: true, why: '' };
  return { run: false, why: 'slow (a real npm ci); runs on CI (CI set) or with DOUYIN_LIVE_SLOW_TESTS=1' };
}

/** A finished child process. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs a command to its end and collects its output. The child gets no npm_* / jest variables, so it behaves
 * as the same command typed in a shell would (npm scripts read npm_* from their parent).
 */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('JEST') && k !== 'NODE_ENV'),
  );
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
