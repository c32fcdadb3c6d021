/**
 * `loopReplay(file)`: a recording played again and again as one relay room, so overlays and bots can be built
 * with no live stream. Each pass is a fresh `replaySession`; the relay sees the room end and go live again, and
 * starts its gift streaks and leaderboard afresh for each pass.
 */
import { DouyinLiveError, ErrorCodes, type LiveMessage, type RoomInfo, type SessionState } from '@douyin-live/core';
import type { RelaySession } from '@douyin-live/relay';
import { BehaviorSubject, Subject, type Subscription } from 'rxjs';
import type { ReplayOptions } from './options.js';
import { replaySession, type ReplaySession } from './replaySession.js';

/** A looping replay: what the relay reads, plus a way to stop it. */
export interface LoopingReplay extends RelaySession {
  /** Passes started so far (1 during the first). */
  readonly passes: number;
  /** Stops after the current pass is closed; resolves when it is. */
  close(): Promise<void>;
  /** Resolves when the last pass is over (never, while looping, until `close()`). */
  readonly done: Promise<void>;
}

/**
 * Plays `file` once, or (with `loop`) again from its start each time it ends. A recording that is not readable
 * fails the first pass and stops the loop (its error is on `errors$`).
 */
export function loopReplay(file: string, options: ReplayOptions, loop: boolean): LoopingReplay {
  if (loop && options.speed === 'max') {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, '--loop needs a finite --speed (max would spin)', {
      speed: 'max',
    });
  }
  const messages$ = new Subject<LiveMessage>();
  const errors$ = new Subject<DouyinLiveError>();
  const state$ = new BehaviorSubject<SessionState>('resolving');
  let current: ReplaySession | undefined;
  let closed = false;
  let passes = 0;

  const done = (async () => {
    do {
      passes += 1;
      const pass = replaySession(file, options);
      current = pass;
      const subs: Subscription[] = [
        pass.messages$.subscribe((m) => messages$.next(m)),
        pass.errors$.subscribe((e) => errors$.next(e)),
        pass.state$.subscribe((s) => {
          if (state$.value !== s) state$.next(s);
        }),
      ];
      const outcome = await pass.done;
      for (const s of subs) s.unsubscribe();
      if (outcome.reason === 'failed') break;
    } while (loop && !closed);
    messages$.complete();
    errors$.complete();
    state$.complete();
  })();

  return {
    messages$: messages$.asObservable(),
    errors$: errors$.asObservable(),
    state$: state$.asObservable(),
    get room(): RoomInfo | undefined {
      return current?.room;
    },
    get passes() {
      return passes;
    },
    done,
    close: async () => {
      closed = true;
      await current?.close();
      await done;
    },
  };
}
