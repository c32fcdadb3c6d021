/** What fleet consumers receive. */
import type { LiveMessage } from '@douyin-live/core';

/**
 * A message as a fleet consumer gets it: the friendly fields, parsed from the JSON a worker appended (what
 * `watch --json` prints). The decoded wire object does not travel through Redis, so `raw` is always absent
 * (a nested `user.raw` is the JSON copy of the wire user, byte fields as base64 strings); an unknown method's
 * `payload` is turned back into bytes.
 */
export type FleetLiveMessage<M extends LiveMessage = LiveMessage> = M extends LiveMessage
  ? Omit<M, 'raw'> & { readonly raw?: undefined }
  : never;

/** A message of a fleet, tagged with its room like a room pool's messages. */
export interface FleetMessage<M extends LiveMessage = LiveMessage> {
  /** The room's name in the fleet (its web_rid). */
  readonly room: string;
  /** The 19-digit room id (64-bit, as a string). */
  readonly roomId: string;
  /** The message, typed by its method, without `raw`. */
  readonly message: FleetLiveMessage<M>;
  /** The stream entry id (`<ms>-<seq>`) in the stream it was read from. */
  readonly id: string;
}
