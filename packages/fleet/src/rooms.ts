/** Room names in the fleet: the web_rid, whatever form the room was given in. */
import { DouyinLiveError, ErrorCodes, parseRoomInput } from '@douyin-live/core';

/** The fleet's name of a room: the web_rid of a `https://live.douyin.com/<web_rid>` URL or of a bare web_rid. */
export function fleetRoomName(input: string): string {
  const { webRid } = parseRoomInput(input);
  // Braces would break the hash tag that keeps a room's keys in one Redis Cluster slot.
  if (webRid === undefined || /[{}]/.test(webRid)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a live room URL or web_rid: ${input}`);
  }
  return webRid;
}
