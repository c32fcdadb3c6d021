import { toJsonLine } from '@douyin-live/core';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { palette } from '../format/pretty.js';
import { inspectRecording, type RecordingSummary } from '../replay/inspect.js';
import { formatPosition } from './replay.js';

/** Arguments of `douyin-live inspect`. */
export interface InspectArgs {
  file: string;
  json: boolean;
}

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ') || 'none';

/** The summary as readable lines. */
export function formatSummary(s: RecordingSummary, colour = false): string[] {
  const p = palette(colour);
  const h = s.header;
  const lines = [p.bold(s.file)];
  if (h) {
    const room = h.room
      ? `${h.room.title || '(untitled)'} (room ${h.room.roomId}${h.room.webRid ? `, web_rid ${h.room.webRid}` : ''})`
      : 'unknown room';
    lines.push(`  room        ${room}${h.room?.anchor ? ` · anchor ${h.room.anchor.nickname}` : ''}`);
    lines.push(
      `  recorded    ${new Date(h.recordingStartedAt).toISOString()} by recorder ${h.recorder || '?'} (format v${h.version}, part ${h.part})` +
        (h.pseudonymised ? ' · users pseudonymised' : ''),
    );
    lines.push(
      `  schema      ${s.schema === 'same' ? 'same as this build' : s.schema === 'different' ? p.yellow('different from this build') : 'unknown'}`,
    );
  }
  lines.push(
    `  duration    ${formatPosition(s.durationMs)} · ended by ${s.endReason ?? (s.truncated ? 'truncation' : 'no end record')} · outcome ${s.outcome}`,
  );
  if (s.truncated) lines.push(p.yellow(`  truncated   yes: replayed up to the cut`));
  lines.push(`  connections ${s.connections.length}`);
  for (const c of s.connections) {
    const span = `${c.openedAtMs !== undefined ? formatPosition(c.openedAtMs) : '(open)'}–${c.closedAtMs !== undefined ? formatPosition(c.closedAtMs) : '(end)'}`;
    lines.push(
      `    #${c.connection} ${span} ${c.framesIn} in / ${c.framesOut} out${c.end ? ` · closed ${c.end}` : ''}${c.host ? ` · ${c.host}` : ''}`,
    );
  }
  lines.push(`  frames in   ${counts(s.frames.in)} (${s.bytes.in} bytes)`);
  lines.push(`  frames out  ${counts(s.frames.out)} (${s.bytes.out} bytes)`);
  lines.push(`  messages    ${s.messages.total} (${s.messages.duplicates} repeats dropped)`);
  for (const [method, n] of Object.entries(s.messages.byMethod).sort((a, b) => b[1] - a[1])) {
    lines.push(`    ${method.padEnd(30)} ${n}`);
  }
  lines.push(`  decode errors ${s.decodeFailures}`);
  lines.push(`  problems    ${counts(s.errors)}`);
  lines.push(`  gaps        ${s.gaps}`);
  const a = s.acks;
  lines.push(
    `  acks        ${a.computed} due, ${a.recorded} recorded: ${a.matched} match, ${a.mismatched} differ, ${a.missing} missing, ${a.unexpected} unexpected` +
      (a.ok ? ` ${p.green('✓')}` : ` ${p.yellow('✗')}`),
  );
  return lines;
}

/** Registers `inspect`. */
export function inspectCommand(ctx: CliContext) {
  return {
    command: 'inspect <file>',
    describe: 'Sum up a .dyrec recording: header, duration, connections, frames, messages, errors, gaps, acks',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .dyrec recording (first part)' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object instead of text' })
        .example('$0 inspect session.dyrec', 'what is in it')
        .example('$0 inspect session.dyrec --json | jq .messages', 'messages by method, as JSON'),
    handler: async (args: InspectArgs) => {
      const summary = await inspectRecording(args.file);
      if (args.json) ctx.out(toJsonLine(summary));
      else for (const line of formatSummary(summary, ctx.colour)) ctx.out(line);
    },
  };
}
