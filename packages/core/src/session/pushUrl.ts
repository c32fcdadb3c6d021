import { buildPushQuery, buildPushUrl, LIVE_ORIGIN, pushQueryObject, type BrowserProfile } from '../room/pushParams.js';
import { signatureStub, type Signer } from '../signature/signature.js';

/** What a push URL is built from: the room, the visitor and where to resume. */
export interface PushUrlInput {
  readonly roomId: string;
  readonly userUniqueId: string;
  readonly profile: BrowserProfile;
  readonly cursor?: string | undefined;
  readonly internalExt?: string | undefined;
}

/** A signed push URL and what went into its signature. */
export interface SignedPushUrl {
  readonly url: string;
  /** The `X-MS-STUB` (MD5 hex of the signed parameters). */
  readonly stub: string;
  readonly signature: string;
}

/**
 * Builds the push query, signs its stub and puts the URL together — the one way sessions and `diagnoseRoom`
 * make the WebSocket URL (§2, §3).
 */
export async function signedPushUrl(base: string, input: PushUrlInput, signer: Signer): Promise<SignedPushUrl> {
  const params = buildPushQuery({
    roomId: input.roomId,
    userUniqueId: input.userUniqueId,
    profile: input.profile,
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
    ...(input.internalExt !== undefined ? { internalExt: input.internalExt } : {}),
  });
  const query = pushQueryObject(params);
  const stub = signatureStub(query);
  const signature = await signer(stub, query);
  return { url: buildPushUrl(base, params, signature), stub, signature };
}

/** The headers of the WebSocket handshake, as the web player sends them. */
export function pushHeaders(
  cookie: string,
  profile: BrowserProfile,
  webRid: string | undefined,
): Record<string, string> {
  return {
    Cookie: cookie,
    'User-Agent': profile.userAgent,
    Origin: LIVE_ORIGIN,
    Referer: webRid ? `${LIVE_ORIGIN}/${webRid}` : `${LIVE_ORIGIN}/`,
  };
}
