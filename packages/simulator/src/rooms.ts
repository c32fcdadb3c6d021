/** A hosted room: its settings, its message factory and source, its timeline and the guest view of it. */
import { messageFactory, type BuiltMessage, type MessageFactory } from '@douyin-live/testing';
import { GIFT_METHOD, maskMessage } from './guests.js';
import type { ResolvedRoom, ResolvedSimulatorOptions } from './options.js';
import { scenarioSource } from './scenario.js';
import type { SimulatorSource, SourceContext } from './source.js';
import { RoomTimeline, type TimelineEntry } from './timeline.js';

/** Base of the message ids the simulator stamps (19 digits, like Douyin's). */
const MSG_ID_BASE = 7_400_000_000_000_000_000n;

/** One room the simulator hosts. */
export class HostedRoom {
  /** Builds this room's messages (room id in `common`, consecutive msg ids). */
  readonly factory: MessageFactory;
  /** The live. */
  readonly timeline: RoomTimeline;
  // Masked copies are made once per message and shared by every guest connection.
  private readonly guestCopies = new WeakMap<TimelineEntry, BuiltMessage>();

  constructor(
    /** The room's settings. */
    readonly config: ResolvedRoom,
    options: ResolvedSimulatorOptions,
  ) {
    // Message ids depend only on the room id, so a seeded run gives the same ids every time.
    this.factory = messageFactory({
      roomId: config.roomId,
      firstMsgId: MSG_ID_BASE + (BigInt(config.roomId) % 1_000_000n) * 1_000_000_000n,
      now: options.now,
    });
    const context: SourceContext = { webRid: config.webRid, roomId: config.roomId, factory: this.factory };
    const source: SimulatorSource =
      config.source === undefined
        ? scenarioSource(config.scenario, context)
        : typeof config.source === 'function'
          ? config.source(context)
          : config.source;
    this.timeline = new RoomTimeline(source, this.factory, {
      speed: options.speed,
      retain: options.retainMessages,
      now: options.now,
    });
  }

  /**
   * The message of an entry as a connection sees it: as is for a logged-in viewer; masked for a guest (when
   * `mask`), or `undefined` when gifts are withheld from guests.
   */
  messageFor(entry: TimelineEntry, guest: boolean, mask: boolean, withholdGifts: boolean): BuiltMessage | undefined {
    const message = entry.message;
    if (message === undefined || !guest) return message;
    if (withholdGifts && message.method === GIFT_METHOD) return undefined;
    if (!mask) return message;
    let copy = this.guestCopies.get(entry);
    if (copy === undefined) {
      copy = maskMessage(message);
      this.guestCopies.set(entry, copy);
    }
    return copy;
  }
}
