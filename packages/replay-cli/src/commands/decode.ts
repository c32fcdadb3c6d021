import { messageToJson, toJsonLine } from '@douyin-live/core';
import { readFileSync } from 'node:fs';
import {
  decodeEnvelope,
  decodeFrame,
  DouyinLiveError,
  ErrorCodes,
  isDecodeFailure,
  isKnownMethod,
  unpackResponse,
  type DecodeFailure,
  type LiveMessage,
  type wire,
} from '@douyin-live/core';
import type { Argv } from 'yargs';
import { formatMessage, palette } from '../format/pretty.js';
import type { CliContext } from '../context.js';

/** What `decode` reads the input as. */
export type DecodeLayer = 'frame' | 'response' | 'message';

/** Arguments of `douyin-live decode`. */
export interface DecodeArgs {
  input: string;
  hex?: boolean | undefined;
  base64?: boolean | undefined;
  as: DecodeLayer;
  method?: string | undefined;
  json: boolean;
  raw: boolean;
}

/** Reads the input bytes: a file or stdin (`-`), raw or as hex/base64 text. */
export function readInput(args: Pick<DecodeArgs, 'input' | 'hex' | 'base64'>, ctx: CliContext): Uint8Array {
  // yargs hands a lone `-` positional over as an empty string.
  const data = args.input === '-' || args.input === '' ? ctx.readStdin() : readFileSync(args.input);
  if (args.hex) {
    const text = Buffer.from(data).toString('utf8').replace(/\s+/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(text))
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'input is not hex text');
    return Buffer.from(text, 'hex');
  }
  if (args.base64) {
    const text = Buffer.from(data).toString('utf8').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'input is not base64 text');
    return Buffer.from(text, 'base64');
  }
  return data;
}

/** The decoded layers of one input. */
export interface DecodeResult {
  frame?: {
    logId: string;
    seqId: string;
    payloadType: string;
    payloadEncoding: string;
    headers: Record<string, string>;
    payloadBytes: number;
  };
  response?: Omit<wire.Response, 'messages'> & { messageCount: number };
  messages: Array<LiveMessage | DecodeFailure>;
}

function fail(item: DecodeFailure): never {
  throw item.error;
}

/** Decodes bytes at the requested layer; throws a DouyinLiveError when the outer layer is not decodable. */
export function decodeInput(bytes: Uint8Array, as: DecodeLayer, method?: string): DecodeResult {
  if (as === 'message') {
    if (!method)
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, '--as message needs --method <WebcastXxxMessage>');
    if (!isKnownMethod(method)) throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `unknown method ${method}`);
    const out = decodeEnvelope({ method, payload: bytes, msgId: '0' } as wire.Message);
    if (isDecodeFailure(out)) fail(out);
    return { messages: [out] };
  }
  let frameInfo: DecodeResult['frame'];
  let responseBytes = bytes;
  let response: wire.Response | undefined;
  if (as === 'frame') {
    const frame = decodeFrame(bytes);
    if (frame.kind === 'decode-failure') fail(frame);
    frameInfo = {
      logId: frame.logId,
      seqId: frame.seqId,
      payloadType: frame.payloadType,
      payloadEncoding: frame.raw.payloadEncoding,
      headers: { ...frame.headers },
      payloadBytes: frame.payload.length,
    };
    const unpacked = unpackResponse(frame);
    if (unpacked.kind === 'decode-failure') fail(unpacked);
    response = unpacked.response;
  } else {
    const unpacked = unpackResponse({
      kind: 'frame',
      logId: '0',
      seqId: '0',
      payloadType: 'msg',
      headers: {},
      payload: responseBytes,
      raw: {} as wire.PushFrame,
    });
    if (unpacked.kind === 'decode-failure') fail(unpacked);
    response = unpacked.response;
    responseBytes = new Uint8Array(0);
  }
  const result: DecodeResult = { messages: [] };
  if (frameInfo) result.frame = frameInfo;
  if (response) {
    result.response = responseSummary(response);
    result.messages = response.messages.map((m) => decodeEnvelope(m));
  }
  return result;
}

/** Registers `decode`. */
export function decodeCommand(ctx: CliContext) {
  return {
    command: 'decode <input>',
    describe: 'Decode one PushFrame, Response or message payload (file, or - for stdin)',
    builder: (y: Argv) =>
      y
        .positional('input', { type: 'string', demandOption: true, describe: 'file path, or - for stdin' })
        .option('hex', { type: 'boolean', describe: 'input is hex text' })
        .option('base64', { type: 'boolean', describe: 'input is base64 text' })
        .option('as', {
          choices: ['frame', 'response', 'message'] as const,
          default: 'frame' as const,
          describe: 'what the bytes are',
        })
        .option('method', { type: 'string', describe: 'method of a message payload (with --as message)' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'print one JSON document (64-bit values as strings)',
        })
        .option('raw', {
          type: 'boolean',
          default: false,
          describe: 'include the decoded wire objects in --json output',
        })
        .conflicts('hex', 'base64')
        .example('$0 decode frame.bin', 'decode a PushFrame saved from a capture')
        .example('$0 decode --as message --method WebcastChatMessage --hex chat.hex', 'decode one chat payload'),
    handler: (args: DecodeArgs) => {
      const result = decodeInput(readInput(args, ctx), args.as, args.method);
      if (args.json) {
        ctx.out(
          toJsonLine({
            ...result,
            messages: result.messages.map((m) =>
              m.kind === 'decode-failure' ? failureJson(m) : messageToJson(m, args.raw),
            ),
          }),
        );
        return;
      }
      const p = palette(ctx.colour);
      if (result.frame) {
        const f = result.frame;
        ctx.out(
          p.bold(`PushFrame`) +
            ` logId=${f.logId} seqId=${f.seqId} payloadType=${f.payloadType} encoding=${f.payloadEncoding || '-'} payload=${f.payloadBytes} bytes`,
        );
        for (const [k, v] of Object.entries(f.headers)) ctx.out(p.dim(`  header ${k}: ${v}`));
      }
      if (result.response) {
        const r = result.response;
        ctx.out(
          p.bold('Response') +
            ` messages=${r.messageCount} needAck=${r.needAck} cursor=${r.cursor || '-'} now=${r.now} heartbeatDuration=${r.heartbeatDuration}`,
        );
        if (r.internalExt) ctx.out(p.dim(`  internal_ext: ${r.internalExt}`));
      }
      for (const m of result.messages) {
        const id = m.kind === 'decode-failure' ? '' : p.dim(`[${m.method} ${m.msgId}] `);
        ctx.out(`${id}${formatMessage(m, p)}`);
      }
    },
  };
}

// Wire objects keep their defaults on a shared prototype, so the summary names every field (no spread).
function responseSummary(r: wire.Response): NonNullable<DecodeResult['response']> {
  return {
    cursor: r.cursor,
    fetchInterval: r.fetchInterval,
    now: r.now,
    internalExt: r.internalExt,
    fetchType: r.fetchType,
    routeParams: { ...r.routeParams },
    heartbeatDuration: r.heartbeatDuration,
    needAck: r.needAck,
    pushServer: r.pushServer,
    liveCursor: r.liveCursor,
    historyNoMore: r.historyNoMore,
    proxyServer: r.proxyServer,
    pushServerV2: r.pushServerV2,
    messageCount: r.messages.length,
  };
}

function failureJson(f: DecodeFailure) {
  return {
    kind: f.kind,
    stage: f.stage,
    code: f.error.code,
    message: f.error.message,
    method: f.error.context.method,
    msgId: f.error.context.msgId,
  };
}
