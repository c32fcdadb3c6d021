import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** An HTTP answer, body fully read. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly agent?: Agent | undefined;
  readonly timeoutMs: number;
}

/** GET with node's own http(s), so an `agent` (proxy) applies; network failures become HTTP_FAILED errors. */
export function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: 'GET', headers: options.headers, agent: options.agent, timeout: options.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (cause) => reject(httpError(url, cause)));
        // A body cut short (the peer closed mid-answer) must not pass for a short page.
        res.on('close', () => {
          if (!res.complete)
            reject(httpError(url, Object.assign(new Error('response cut short'), { code: 'ECONNRESET' })));
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (cause) => reject(httpError(url, cause)));
    req.end();
  });
}

/** HTTP statuses that say "not now" rather than "no": timeouts, rate limits and server errors. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/**
 * Whether a failed join request is worth retrying: the network failed (DNS, refused, reset, timeout, a cut
 * answer; `context.network` holds the errno) or the server answered 408/425/429/5xx. Definitive answers (404,
 * a refused handshake, invalid input) are not.
 */
export function isTransientHttpFailure(error: DouyinLiveError): boolean {
  if (error.code !== ErrorCodes.HTTP_FAILED) return false;
  if (typeof error.context['network'] === 'string') return true;
  const status = error.context.status;
  return status !== undefined && (status >= 500 || TRANSIENT_STATUSES.has(status));
}

function httpError(url: string, cause: unknown): DouyinLiveError {
  const path = url.replace(/\?.*$/, '');
  const errno = (cause as NodeJS.ErrnoException).code;
  return new DouyinLiveError(
    ErrorCodes.HTTP_FAILED,
    `GET ${path} failed: ${(cause as Error).message}`,
    // Every failure below the HTTP answer is the network's; keep its errno (ENOTFOUND, ECONNREFUSED, ...).
    { network: typeof errno === 'string' ? errno : 'ENETWORK' },
    { cause },
  );
}
