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
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on('error', (cause) => reject(httpError(url, cause)));
    req.end();
  });
}

function httpError(url: string, cause: unknown): DouyinLiveError {
  const path = url.replace(/\?.*$/, '');
  return new DouyinLiveError(ErrorCodes.HTTP_FAILED, `GET ${path} failed: ${(cause as Error).message}`, {}, { cause });
}
