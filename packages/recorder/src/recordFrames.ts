/**
 * Recording as a side effect of a stream: an operator that passes raw frame events through unchanged while
 * writing them to a file, and a helper that records a whole live session.
 */
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import type { DouyinLiveError } from '@douyin-live/core';
import { createRecorder, type Recorder, type RecorderOptions, type RecorderStats } from './createRecorder.js';
import type { RawFrameEvent, RecordedRoom } from './types.js';

/**
 * Records every event passing through to `path` (one recorder per subscription), and passes the events on
 * unchanged. Completion and errors of the source are forwarded once the file is flushed and closed; a failed
 * write errors the stream unless `options.onError` takes it.
 */
export function recordFrames(path: string, options: RecorderOptions = {}): MonoTypeOperatorFunction<RawFrameEvent> {
  return (source) =>
    new Observable<RawFrameEvent>((subscriber) => {
      let failed = false;
      const recorder = createRecorder(path, {
        ...options,
        onError:
          options.onError ??
          ((error: DouyinLiveError) => {
            failed = true;
            subscriber.error(error);
          }),
      });
      const inner = source.subscribe({
        next: (event) => {
          recorder.write(event);
          if (!failed) subscriber.next(event);
        },
        error: (error: unknown) => {
          recorder.end('error').then(
            () => subscriber.error(error),
            () => subscriber.error(error),
          );
        },
        complete: () => {
          recorder.end().then(
            () => subscriber.complete(),
            (error: unknown) => subscriber.error(error),
          );
        },
      });
      return () => {
        inner.unsubscribe();
        // No-op when the source already ended; otherwise the subscriber left early.
        void recorder.end('unsubscribed').catch(() => undefined);
      };
    });
}

/** The room of a live session as the session exposes it (only the fields the header needs are read). */
export interface SessionRoomLike {
  readonly webRid?: string | undefined;
  readonly roomId: string;
  readonly title: string;
  readonly anchor?:
    { readonly nickname: string; readonly id?: string | undefined; readonly secUid?: string | undefined } | undefined;
  readonly status?: number | string | undefined;
}

/** What {@link recordSession} needs from a live session: its raw frame taps and, once known, its room. */
export interface RecordableSession {
  readonly frames$: Observable<RawFrameEvent>;
  readonly room?: SessionRoomLike | undefined;
}

/** A session being recorded. */
export interface SessionRecording {
  /** What the recorder has done so far (zeros before the first event). */
  readonly stats: RecorderStats | undefined;
  /** Settles when the session's frames end (complete or error) and the file is closed. */
  readonly done: Promise<RecorderStats>;
  /** Stops recording (the session itself goes on), closes the file and resolves with the final stats. */
  stop(reason?: string): Promise<RecorderStats>;
}

/**
 * Records a live session to `path`: subscribes to `session.frames$` and takes `session.room` for the header.
 * The file is created at the first event (the room is resolved by then) or at `stop`, whichever comes first.
 */
export function recordSession(
  session: RecordableSession,
  path: string,
  options: Omit<RecorderOptions, 'room'> = {},
): SessionRecording {
  let recorder: Recorder | undefined;
  const ensure = (): Recorder => {
    const room = session.room;
    recorder ??= createRecorder(path, { ...options, room: room === undefined ? undefined : roomOf(room) });
    return recorder;
  };
  let resolveDone!: (stats: RecorderStats) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<RecorderStats>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Settled through `stop` too; a caller awaiting only `stop` must not see an unhandled rejection here.
  done.catch(() => undefined);
  const finish = (reason: string) => ensure().end(reason).then(resolveDone, rejectDone);
  let subscription: Subscription | undefined;
  subscription = session.frames$.subscribe({
    next: (event) => ensure().write(event),
    error: () => void finish('error'),
    complete: () => void finish('end'),
  });
  return {
    get stats() {
      return recorder?.stats;
    },
    done,
    stop: (reason = 'stopped') => {
      subscription?.unsubscribe();
      subscription = undefined;
      void finish(reason);
      return done;
    },
  };
}

/** The header's room from a session's room (extra fields, such as stream URLs, are left out). */
export function roomOf(room: SessionRoomLike): RecordedRoom {
  const anchor = room.anchor;
  return {
    webRid: room.webRid ?? '',
    roomId: String(room.roomId),
    title: String(room.title),
    ...(anchor !== undefined
      ? {
          anchor: {
            nickname: String(anchor.nickname),
            ...(typeof anchor.id === 'string' ? { id: anchor.id } : {}),
            ...(typeof anchor.secUid === 'string' ? { secUid: anchor.secUid } : {}),
          },
        }
      : {}),
    ...(room.status !== undefined ? { status: room.status } : {}),
  };
}
