import {
  diagnoseRoom,
  toJsonLine,
  type DiagnosisEvent,
  type DiagnosisStage,
  type DiagnosisVerdict,
  type StageFact,
} from '@douyin-live/core';
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { ExitStatus } from '../exitStatus.js';
import { palette, type Palette } from '../format/pretty.js';
import { parseDuration } from '../util/units.js';

/** Arguments of `douyin-live doctor`. */
export interface DoctorArgs {
  room: string;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
  json: boolean;
  timeout: string;
}

/** Width of the stage-name column. */
const STAGE_COLUMN = 12;

const MARKS = { ok: '✓', warn: '!', fail: '✗', skipped: '-' } as const;

/** A fact as printed: numbers and strings as they are, per-method timings as `Chat 12 ms`. */
function formatFact(value: StageFact): string {
  if (typeof value !== 'object') return String(value);
  return Object.entries(value)
    .map(([k, v]) => `${k.replace(/^Webcast|Message$/g, '')} ${v} ms`)
    .join(', ');
}

/** One stage as readable lines: mark, name, timing, summary; then its facts. */
export function formatStage(stage: DiagnosisStage, p: Palette): string[] {
  const colour = { ok: p.green, warn: p.yellow, fail: p.red, skipped: p.dim }[stage.status];
  const timing = stage.status === 'skipped' ? '' : `${stage.ms} ms`;
  const head = `${colour(MARKS[stage.status])} ${stage.stage.padEnd(STAGE_COLUMN)} ${timing.padStart(8)}  ${stage.summary}`;
  const facts = Object.entries(stage.facts)
    .map(([k, v]) => `${k} ${formatFact(v)}`)
    .join(' · ');
  return facts && stage.status !== 'skipped' ? [head, p.dim(`  ${' '.repeat(STAGE_COLUMN + 10)}${facts}`)] : [head];
}

/** The verdict as readable lines. */
export function formatVerdict(verdict: DiagnosisVerdict, p: Palette): string[] {
  const lines = [`${verdict.ok ? p.green('✓') : p.red('✗')} ${p.bold(verdict.summary)} ${p.dim(`(${verdict.ms} ms)`)}`];
  if (verdict.hint) lines.push(`  hint: ${verdict.hint}`);
  return lines;
}

/** An event as one JSON object (errors as code and message). */
function eventJson(event: DiagnosisEvent): unknown {
  if (event.kind === 'verdict') return event;
  const { error, ...rest } = event;
  return error ? { ...rest, error: { code: error.code, message: error.message } } : rest;
}

/** Registers `doctor`: the join of a room, stage by stage, with a verdict. */
export function doctorCommand(ctx: CliContext) {
  return {
    command: 'doctor <room>',
    describe: 'Join a room stage by stage and say which stage fails and what to do (exit 0 when messages flow)',
    builder: (y: Argv) =>
      y
        .positional('room', {
          type: 'string',
          demandOption: true,
          describe: 'https://live.douyin.com/<web_rid> or web_rid',
        })
        .option('cookie-file', { type: 'string', describe: 'file holding a cookie string (logged in: sessionid=…)' })
        .option('endpoint', { type: 'string', describe: 'send every request to this base URL (the simulator)' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object per stage, then the verdict' })
        .option('timeout', { type: 'string', default: '30s', describe: 'budget of the whole diagnosis (30s, 1m)' })
        .example('$0 doctor https://live.douyin.com/261378947940', 'why does this room not work?')
        .example('$0 doctor 261378947940 --endpoint http://127.0.0.1:8080 --json', 'against the simulator, as JSON'),
    handler: async (args: DoctorArgs) => {
      const timeoutMs = parseDuration(args.timeout);
      const cookie = args.cookieFile ? readFileSync(args.cookieFile, 'utf8').trim() : undefined;
      const p = palette(ctx.colour);
      let ok = false;
      for await (const event of diagnoseRoom({
        room: args.room,
        timeoutMs,
        ...(cookie ? { cookie } : {}),
        ...(args.endpoint ? { endpoints: args.endpoint } : {}),
      })) {
        if (event.kind === 'verdict') ok = event.ok;
        if (args.json) ctx.out(toJsonLine(eventJson(event)));
        else for (const line of event.kind === 'stage' ? formatStage(event, p) : formatVerdict(event, p)) ctx.out(line);
      }
      if (!ok) throw new ExitStatus(1);
    },
  };
}
