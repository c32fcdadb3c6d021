import type { IncomingHttpHeaders } from 'node:http';

/** A minimal cookie jar: name → value, fed by Set-Cookie headers and the user's cookie string. */
export class CookieJar {
  private readonly values = new Map<string, string>();

  constructor(initial?: string) {
    if (initial) this.addCookieString(initial);
  }

  /** Adds `a=1; b=2` pairs. */
  addCookieString(cookie: string): void {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) this.values.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }

  /** Takes every cookie a response sets. */
  addFromResponse(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const first = line.split(';', 1)[0] ?? '';
      const eq = first.indexOf('=');
      if (eq > 0) this.values.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
    }
  }

  /** One cookie's value. */
  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The `Cookie` header value. */
  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
