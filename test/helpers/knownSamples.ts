// Envelopes of known methods to run decoders over: the project's own recordings, plus the real captures in
// ../shared/realdata when that folder is there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame, decodeWire, encodeWire, envelopesOf, isKnownMethod, unpackResponse } from '@douyin-live/core';
import { RecordingReader } from '@douyin-live/recorder';
import type * as wire from '../../packages/core/src/gen/douyin.js';

const FIXTURES = join(__dirname, '../../fixtures');
const REALDATA = join(__dirname, '../../../shared/realdata');

/** Every known-method envelope of the fixtures' recordings and, when present, of the real captures. */
export async function knownMethodSamples(): Promise<wire.Message[]> {
  const out: wire.Message[] = [];
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.dyrec'))) {
    for await (const rec of new RecordingReader(join(FIXTURES, f))) {
      if (rec.kind !== 'in') continue;
      const frame = decodeFrame(rec.bytes);
      if (frame.kind !== 'frame') continue;
      const response = unpackResponse(frame);
      if (response.kind === 'response') for (const e of envelopesOf(response)) out.push(e.raw);
    }
  }
  if (existsSync(REALDATA)) {
    for (const f of readdirSync(join(REALDATA, 'payloads'))) {
      const payload = readFileSync(join(REALDATA, 'payloads', f));
      out.push(decodeWire('Message', encodeWire('Message', { method: `Webcast${f.replace(/\.bin$/, '')}`, payload })));
    }
    for (const f of readdirSync(join(REALDATA, 'responses')))
      out.push(...decodeWire('Response', readFileSync(join(REALDATA, 'responses', f))).messages);
  }
  return out.filter((m) => isKnownMethod(m.method));
}
