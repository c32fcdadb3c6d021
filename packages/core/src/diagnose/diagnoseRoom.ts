/**
 * `diagnoseRoom`: the join of a live room, stage by stage, each reported with its timing and what it found. The
 * stages call the session's own parts (RoomClient, signedPushUrl, openConnection, liveEnvelopes): a diagnosis
 * tests the code a session runs, not a copy of the protocol.
 */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { DouyinLiveError, ErrorCodes, isDouyinLiveError } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { inflaterInUse } from '../pipeline/inflate.js';
import { pushServerFromFetch } from '../room/pushParams.js';
import { CookieJar } from '../session/cookies.js';
import { pushHeaders, signedPushUrl } from '../session/pushUrl.js';
import { parseRoomInput, randomUserUniqueId } from '../session/resolveRoom.js';
import { RoomClient } from '../session/roomClient.js';
import { nativeSigner } from '../signature/signature.js';
import { DIAGNOSIS_HINTS as HINTS } from './hints.js';
import { resolveDiagnoseOptions, type DiagnoseOptions } from './options.js';
import { GIFT_METHOD, watchSocket } from './watchSocket.js';
import {
  DIAGNOSIS_STAGES,
  type DiagnosisEvent,
  type DiagnosisStage,
  type DiagnosisStageName,
  type StageFact,
  type StageStatus,
} from './types.js';

/** `room.status` names (§1.5). */
const STATUS_NAMES: Readonly<Record<number, string>> = { 1: 'preparing', 2: 'live', 3: 'paused', 4: 'ended' };

const statusText = (status: number | undefined) =>
  status === undefined ? 'unknown' : `${status} (${STATUS_NAMES[status] ?? '?'})`;

/** The first 12 characters of a long value, for printing. */
const short = (value: string) => (value.length > 16 ? `${value.slice(0, 12)}…` : value);

/**
 * Runs the join of a room stage by stage — network, ttwid, room page, web/enter, im/fetch, signature, WebSocket
 * handshake, first frame, messages, acks, heartbeat, login — and yields each stage's result as it is known,
 * then a verdict naming the failing stage with a hint. Never throws for a failing room; throws
 * INVALID_ARGUMENT for bad options.
 */
export async function* diagnoseRoom(options: DiagnoseOptions): AsyncGenerator<DiagnosisEvent, void, undefined> {
  const o = resolveDiagnoseOptions(options);
  const s = o.session;
  const input = parseRoomInput(s.room);
  const started = s.now();
  const results: DiagnosisStage[] = [];
  const jar = new CookieJar(s.cookie);
  const loggedIn = jar.get('sessionid') !== undefined;
  const client = new RoomClient(s, jar);

  const stage = (
    name: DiagnosisStageName,
    status: StageStatus,
    ms: number,
    summary: string,
    facts: Record<string, StageFact | undefined> = {},
    extra: { error?: unknown; hint?: string } = {},
  ): DiagnosisStage => {
    const result: DiagnosisStage = {
      kind: 'stage',
      stage: name,
      status,
      ms: Math.round(ms),
      summary,
      facts: Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as Record<string, StageFact>,
      ...(extra.error !== undefined ? { error: asError(extra.error) } : {}),
      ...(extra.hint !== undefined ? { hint: extra.hint } : {}),
    };
    results.push(result);
    return result;
  };
  /** Runs `fn`, timing it; failures come back as values. */
  const timed = async <T>(fn: () => Promise<T>) => {
    const t0 = s.now();
    try {
      const value = await fn();
      return { ok: true as const, value, ms: s.now() - t0 };
    } catch (error) {
      return { ok: false as const, error: asError(error), ms: s.now() - t0 };
    }
  };
  /** Every stage after `last`, skipped for `reason`. */
  const skipAfter = function* (last: DiagnosisStageName, reason: string) {
    for (const name of DIAGNOSIS_STAGES.slice(DIAGNOSIS_STAGES.indexOf(last) + 1))
      yield stage(name, 'skipped', 0, reason);
  };
  /** When the budget is spent: `next` fails for it, the rest is skipped, the verdict follows; true then. */
  const outOfTime = function* (next: DiagnosisStageName): Generator<DiagnosisEvent, boolean> {
    if (s.now() - started < o.timeoutMs) return false;
    yield stage(next, 'fail', 0, `not run: the ${o.timeoutMs} ms budget is spent`, {}, { hint: HINTS.budget });
    yield* skipAfter(next, 'the budget is spent');
    yield verdict();
    return true;
  };
  const verdict = (): DiagnosisEvent => {
    const flowed = results.some((r) => r.stage === 'messages' && r.status === 'ok');
    const culprit = results.find((r) => r.status === 'fail') ?? results.find((r) => r.status === 'warn');
    const summary = flowed
      ? `live messages flowed${culprit ? `, but ${culprit.stage}: ${culprit.summary}` : ''}`
      : `${culprit?.stage ?? 'join'} failed: ${culprit?.summary ?? 'no live message'}`;
    return {
      kind: 'verdict',
      ok: flowed,
      stage: culprit?.stage,
      summary,
      hint: culprit?.hint,
      ms: Math.round(s.now() - started),
    };
  };

  // ---- network: DNS and a TCP connection to the page host ---------------------------------------------------
  const pageUrl = new URL(s.endpoints.page);
  if (s.agent !== undefined) {
    yield stage('network', 'skipped', 0, 'requests go through the given agent (proxy): not checked directly');
  } else {
    const port = Number(pageUrl.port) || (pageUrl.protocol === 'https:' ? 443 : 80);
    const r = await timed(() => reach(pageUrl.hostname, port, s.httpTimeoutMs));
    if (!r.ok) {
      yield stage(
        'network',
        'fail',
        r.ms,
        r.error.message,
        { host: pageUrl.host },
        { error: r.error, hint: HINTS.network },
      );
      yield* skipAfter('network', 'the host cannot be reached');
      yield verdict();
      return;
    }
    yield stage('network', 'ok', r.ms, `${pageUrl.host} reachable (${r.value})`, {
      host: pageUrl.host,
      address: r.value,
    });
  }

  // ---- ttwid --------------------------------------------------------------------------------------------------
  if (jar.get('ttwid')) {
    yield stage('ttwid', 'ok', 0, 'from the cookie given', { ttwid: short(jar.get('ttwid')!), source: 'cookie' });
  } else {
    const r = await timed(() => client.ensureTtwid());
    const ttwid = jar.get('ttwid');
    if (ttwid) yield stage('ttwid', 'ok', r.ms, 'issued by GET /', { ttwid: short(ttwid), source: 'GET /' });
    else
      yield stage(
        'ttwid',
        'fail',
        r.ms,
        r.ok ? 'GET / set no ttwid cookie' : r.error.message,
        {},
        {
          ...(r.ok ? {} : { error: r.error }),
          hint: r.ok ? HINTS.ttwid : HINTS.network,
        },
      );
  }

  if (yield* outOfTime('room-page')) return;
  // ---- room page and web/enter --------------------------------------------------------------------------------
  let roomId = input.roomId;
  let userUniqueId: string | undefined;
  if (input.webRid === undefined) {
    yield stage('room-page', 'skipped', 0, 'the room was given by id');
    yield stage('enter', 'skipped', 0, 'the room was given by id');
  } else {
    const webRid = input.webRid;
    const page = await timed(() => client.page(webRid));
    if (!page.ok) {
      const missing = page.error.code === ErrorCodes.ROOM_NOT_FOUND;
      yield stage(
        'room-page',
        'fail',
        page.ms,
        page.error.message,
        { webRid },
        {
          error: page.error,
          hint: missing ? HINTS.roomNotFound : HINTS.pageFailed,
        },
      );
      if (missing) {
        yield* skipAfter('room-page', 'the room does not exist');
        yield verdict();
        return;
      }
    } else if (!page.value.found) {
      const risk = page.value.reason === 'risk_control';
      yield stage(
        'room-page',
        'fail',
        page.ms,
        `${risk ? 'risk-control page' : page.value.reason}: no room data`,
        {
          reason: page.value.reason,
          detail: page.value.detail,
        },
        { hint: risk ? HINTS.riskPage : HINTS.pageFailed },
      );
    } else {
      const p = page.value;
      roomId ??= p.roomId;
      userUniqueId = p.userUniqueId;
      yield stage('room-page', 'ok', page.ms, `room ${p.roomId}, status ${statusText(p.status)}`, {
        format: p.format,
        roomId: p.roomId,
        status: p.status,
        viewerId: p.userUniqueId ?? 'none',
        title: p.title,
        viewers: p.userCount,
      });
    }

    if (yield* outOfTime('enter')) return;
    const enter = await timed(() => client.enter(webRid, roomId));
    if (!enter.ok) {
      yield stage('enter', 'fail', enter.ms, enter.error.message, {}, { error: enter.error, hint: HINTS.network });
    } else if (!enter.value.ok) {
      const e = enter.value;
      if (e.reason === 'not_found') {
        yield stage(
          'enter',
          'fail',
          enter.ms,
          `room ${webRid} does not exist`,
          { statusCode: e.statusCode },
          {
            hint: HINTS.roomNotFound,
          },
        );
        yield* skipAfter('enter', 'the room does not exist');
        yield verdict();
        return;
      }
      yield stage(
        'enter',
        'fail',
        enter.ms,
        `${e.reason}: no room data`,
        { statusCode: e.statusCode },
        {
          hint: HINTS.enterRisk,
        },
      );
    } else {
      const e = enter.value;
      roomId ??= e.roomId;
      const facts = {
        roomId: e.roomId,
        status: e.status,
        title: e.title,
        anchor: e.ownerNickname,
        viewers: e.viewerCount,
      };
      if (!e.live) {
        yield stage('enter', 'fail', enter.ms, `room ${e.roomId} is not live: status ${statusText(e.status)}`, facts, {
          error: new DouyinLiveError(ErrorCodes.ROOM_NOT_LIVE, `room ${webRid} is not live (status ${e.status})`, {
            status: e.status,
          }),
          hint: HINTS.notLive,
        });
        yield* skipAfter('enter', 'the room is not live');
        yield verdict();
        return;
      }
      yield stage(
        'enter',
        'ok',
        enter.ms,
        `live: ${e.title || '(untitled)'}${e.ownerNickname ? ` · ${e.ownerNickname}` : ''}`,
        facts,
      );
    }
  }
  if (roomId === undefined) {
    yield* skipAfter('enter', 'no room id');
    yield verdict();
    return;
  }
  userUniqueId ??= randomUserUniqueId(s.random);

  if (yield* outOfTime('im-fetch')) return;
  // ---- im/fetch -----------------------------------------------------------------------------------------------
  const referer = input.webRid ? client.pageUrl(input.webRid) : s.endpoints.page;
  const fetched = await timed(() => client.imFetch(roomId, userUniqueId, referer));
  let response: wire.Response | undefined;
  if (fetched.ok) {
    response = fetched.value;
    yield stage(
      'im-fetch',
      'ok',
      fetched.ms,
      `cursor ${short(response.cursor) || 'none'}, ${response.messages.length} messages of history`,
      {
        cursor: response.cursor,
        pushServer: pushServerFromFetch(response) ?? 'none',
        internalExt: response.internalExt !== '',
        history: response.messages.length,
      },
    );
  } else {
    yield stage(
      'im-fetch',
      'warn',
      fetched.ms,
      fetched.error.message,
      {},
      { error: fetched.error, hint: HINTS.imFetch },
    );
  }

  if (yield* outOfTime('signature')) return;
  // ---- signature ----------------------------------------------------------------------------------------------
  const fromFetch = response && s.endpoints.usePushServerFromFetch ? pushServerFromFetch(response) : undefined;
  const base = fromFetch ?? s.endpoints.push[0]!;
  const signer = s.signer ?? nativeSigner();
  const signed = await timed(() =>
    signedPushUrl(
      base,
      {
        roomId,
        userUniqueId,
        profile: s.profile,
        cursor: response?.cursor || undefined,
        internalExt: response?.internalExt || undefined,
      },
      signer,
    ),
  );
  if (!signed.ok) {
    yield stage(
      'signature',
      'fail',
      signed.ms,
      signed.error.message,
      {},
      { error: signed.error, hint: HINTS.signature },
    );
    yield* skipAfter('signature', 'no signed URL');
    yield verdict();
    return;
  }
  yield stage('signature', 'ok', signed.ms, `signed (${s.signer ? 'your signer' : 'native signer'})`, {
    stub: signed.value.stub,
    signature: short(signed.value.signature),
  });

  // ---- the socket: handshake, then watch it -------------------------------------------------------------------
  const budgetMs = Math.max(0, o.timeoutMs - (s.now() - started));
  const seen = await watchSocket(signed.value.url, pushHeaders(jar.header(), s.profile, input.webRid), {
    handshakeTimeoutMs: Math.min(s.httpTimeoutMs, Math.max(1, budgetMs)),
    observeMs: Math.max(1, Math.min(o.observeMs, budgetMs)),
    heartbeatIntervalMs: s.heartbeatIntervalMs,
    agent: s.agent,
    now: s.now,
  });
  const host = new URL(signed.value.url).host;
  if (!seen.opened) {
    const end = seen.end;
    const error = end && end.kind !== 'closed' ? end.error : undefined;
    if (end?.kind === 'rejected') {
      const msg = end.error.context.handshakeMsg;
      yield stage(
        'handshake',
        'fail',
        seen.handshakeMs,
        `handshake refused: ${msg ?? `HTTP ${end.error.context.status}`}`,
        {
          host,
          status: end.error.context.status,
          handshakeStatus: end.error.context.handshakeStatus,
          handshakeMsg: msg,
        },
        { error, hint: `handshake refused${msg ? `: ${msg}` : ''} — ${HINTS.handshakeRefused}` },
      );
    } else {
      yield stage(
        'handshake',
        'fail',
        seen.handshakeMs,
        error?.message ?? 'no answer to the handshake',
        { host },
        {
          error,
          hint: HINTS.handshakeFailed,
        },
      );
    }
    yield* skipAfter('handshake', 'no WebSocket');
    yield verdict();
    return;
  }
  yield stage('handshake', 'ok', seen.handshakeMs, `101 Switching Protocols from ${host}`, { host, status: 101 });

  const closedBy = seen.end?.kind === 'closed' ? seen.end.code : undefined;
  const endText = seen.end
    ? seen.end.kind === 'closed'
      ? `the server closed it (${seen.end.code}${seen.end.reason ? ` ${seen.end.reason}` : ''})`
      : seen.end.error.message
    : undefined;
  if (seen.firstFrameMs === undefined) {
    yield stage(
      'first-frame',
      'fail',
      seen.watchedMs,
      endText ? `no frame: ${endText}` : `no frame in ${seen.watchedMs} ms after the handshake`,
      {
        ...(closedBy !== undefined ? { closeCode: closedBy } : {}),
      },
      { hint: endText ? HINTS.closedEarly : HINTS.noFrame },
    );
    yield* skipAfter('first-frame', 'no frame arrived');
    yield verdict();
    return;
  }
  // Which inflater took the frames: libdeflate when @douyin-live/libdeflate is built, otherwise Node's zlib.
  const inflater = inflaterInUse();
  yield stage('first-frame', 'ok', seen.firstFrameMs, `after ${seen.firstFrameMs} ms`, {
    frames: seen.frames,
    inflater: inflater.name === 'libdeflate' ? `libdeflate ${inflater.version}` : 'zlib',
  });

  if (seen.firstByMethod.size === 0) {
    yield stage(
      'messages',
      'fail',
      seen.watchedMs,
      `${seen.frames} frames, no message in ${seen.watchedMs} ms`,
      {},
      {
        hint: HINTS.noMessage,
      },
    );
  } else {
    const kinds = [...seen.firstByMethod].map(([method, ms]) => `${method.replace(/^Webcast|Message$/g, '')} ${ms} ms`);
    yield stage(
      'messages',
      'ok',
      [...seen.firstByMethod.values()][0]!,
      `${seen.messages} messages; first ${kinds.join(', ')}`,
      {
        count: seen.messages,
        firstMs: Object.fromEntries(seen.firstByMethod),
      },
    );
  }

  if (seen.acksSent === 0) {
    yield stage('acks', 'ok', 0, 'no frame asked for an ack', { sent: 0 });
  } else if (closedBy !== undefined) {
    yield stage(
      'acks',
      'fail',
      seen.watchedMs,
      `${seen.acksSent} acks sent, then ${endText}`,
      { sent: seen.acksSent, closeCode: closedBy },
      {
        hint: HINTS.acks,
      },
    );
  } else {
    yield stage('acks', 'ok', seen.lastAckMs ?? 0, `${seen.acksSent} acks sent; the server kept the connection`, {
      sent: seen.acksSent,
    });
  }

  if (seen.heartbeatAnsweredMs !== undefined) {
    yield stage('heartbeat', 'ok', seen.heartbeatAnsweredMs, `answered after ${seen.heartbeatAnsweredMs} ms`, {
      sent: seen.heartbeatsSent,
    });
  } else {
    yield stage(
      'heartbeat',
      'fail',
      seen.watchedMs,
      `not answered in ${seen.watchedMs} ms`,
      { sent: seen.heartbeatsSent },
      {
        hint: HINTS.heartbeat,
      },
    );
  }

  const maskedFacts = { users: seen.users, masked: seen.maskedUsers, gifts: seen.firstByMethod.has(GIFT_METHOD) };
  if (loggedIn) {
    yield stage(
      'login',
      'ok',
      0,
      `logged in (sessionid cookie); ${seen.maskedUsers} of ${seen.users} users masked`,
      maskedFacts,
    );
  } else if (seen.messages > 0 && !seen.firstByMethod.has(GIFT_METHOD)) {
    yield stage(
      'login',
      'warn',
      seen.watchedMs,
      `guest: no gift in ${seen.watchedMs} ms, ${seen.maskedUsers} of ${seen.users} users masked`,
      maskedFacts,
      {
        hint: HINTS.guestGifts,
      },
    );
  } else {
    yield stage(
      'login',
      'ok',
      0,
      `guest: ${seen.maskedUsers} of ${seen.users} users masked (nicknames hidden)`,
      maskedFacts,
    );
  }
  yield verdict();
}

/** Resolves the host and opens a TCP connection to it; resolves with the address, rejects with HTTP_FAILED. */
async function reach(host: string, port: number, timeoutMs: number): Promise<string> {
  const fail = (cause: unknown) => {
    const errno = (cause as NodeJS.ErrnoException).code;
    return new DouyinLiveError(
      ErrorCodes.HTTP_FAILED,
      `cannot reach ${host}:${port}: ${(cause as Error).message}`,
      {
        network: typeof errno === 'string' ? errno : 'ENETWORK',
      },
      { cause },
    );
  };
  let address: string;
  try {
    address = (await lookup(host)).address;
  } catch (cause) {
    throw fail(cause);
  }
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(fail(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    });
    socket.once('error', (cause) => reject(fail(cause)));
  });
  return address;
}

function asError(error: unknown): DouyinLiveError {
  if (isDouyinLiveError(error)) return error;
  return new DouyinLiveError(
    ErrorCodes.CONNECTION_LOST,
    (error as Error)?.message ?? String(error),
    {},
    { cause: error },
  );
}
