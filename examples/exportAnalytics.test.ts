// The analytics export: a scenario's frames (with replayed duplicates and a method the schema does not know)
// through the real pipeline into SQLite and CSV in a temp dir, read back and checked field by field.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { filter, from, Observable } from 'rxjs';
import { livePipeline, type LiveMessage } from '@douyin-live/core';
import { encodeFrame, scenario } from '@douyin-live/testing';
import { ANALYTICS_COLUMNS, csvField, exportAnalytics } from './exportAnalytics.js';

const TRICKY_CHAT = '主播好, 我是"老粉"\n第二行，还有 emoji 🎉👍🏽 和 \r\n 回车';

const room = () =>
  scenario()
    .viewers(1_234)
    .member('小明')
    .chat('小明', TRICKY_CHAT)
    .chat({ nickname: '逗号, 先生', id: '42' }, '=1+1')
    .gift('小明', '玫瑰', { combo: 10, diamonds: 1 })
    .gift('老王', '嘉年华', { single: true, diamonds: 3_000 })
    .like('小红', 7)
    .follow('小红')
    .share('路人')
    .after('1s')
    .end();

/** A frame carrying one message of a method the schema does not know (yet). */
const unknownFrame = encodeFrame({
  response: {
    messages: [{ method: 'WebcastBrandNewMessage', msgId: '9000000000000000001', payload: Uint8Array.of(8, 1) }],
    cursor: 'c',
  },
});

/** The scenario's messages through `livePipeline`; every frame twice (a replay) and one unknown method. */
function messages$(): Observable<LiveMessage> {
  const frames = room()
    .toFrames()
    .map((f) => f.bytes);
  return from([...frames, unknownFrame, ...frames]).pipe(
    livePipeline(),
    filter((m): m is LiveMessage => m.kind === 'message'),
  );
}

/** A strict RFC 4180 reader: enough to prove what the writer wrote parses back to the same fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // A quoted field: up to the closing quote, `""` standing for one quote.
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') field += text[i++];
        else if (text[i] === '"') break;
        else field += text[i];
      }
      i++;
      if (!(text[i] === ',' || text.startsWith('\r\n', i))) throw new Error(`junk after quote at ${i}`);
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (c === '\n' || c === '\r' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record without CRLF');
  return records;
}

describe('exportAnalytics', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'douyin-export-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const unique = room().toMessages().length + 1;

  it('writes each message once to SQLite, with per-kind views that answer analysts’ questions', async () => {
    const sqlite = join(dir, 'room.sqlite');
    const summary = await exportAnalytics({ messages$: messages$() }, { sqlite });
    expect(summary).toEqual({ messages: 2 * unique - 1, rows: unique, duplicates: unique - 1 });

    const db = new Database(sqlite, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
      expect(count('SELECT COUNT(*) FROM messages')).toBe(unique);
      expect(db.prepare('SELECT nickname, content FROM chat ORDER BY msg_id').all()).toEqual([
        { nickname: '小明', content: TRICKY_CHAT },
        { nickname: '逗号, 先生', content: '=1+1' },
      ]);
      const chat = db.prepare("SELECT * FROM messages WHERE content = '=1+1'").get() as Record<string, unknown>;
      expect(chat).toMatchObject({ method: 'WebcastChatMessage', user_id: '42', room_id: '7400000000000000001' });
      expect(chat['create_time']).toBe(1_700_000_000_000);
      expect(JSON.parse(chat['raw_json'] as string)).toMatchObject({
        content: '=1+1',
        user: { nickname: '逗号, 先生' },
      });

      // A combo is ten messages with running counts; the streak view counts it once.
      expect(count("SELECT COUNT(*) FROM gifts WHERE gift_name = '玫瑰'")).toBe(10);
      expect(
        db.prepare('SELECT nickname, gift_name, total, diamonds, messages FROM gift_streaks ORDER BY diamonds').all(),
      ).toEqual([
        { nickname: '小明', gift_name: '玫瑰', total: 10, diamonds: 10, messages: 10 },
        { nickname: '老王', gift_name: '嘉年华', total: 1, diamonds: 3_000, messages: 1 },
      ]);
      expect(db.prepare('SELECT nickname, count FROM likes').all()).toEqual([{ nickname: '小红', count: 7 }]);
      expect(db.prepare('SELECT nickname, action FROM social ORDER BY action').all()).toEqual([
        { nickname: '小红', action: 'follow' },
        { nickname: '路人', action: 'share' },
      ]);
      expect(db.prepare('SELECT nickname FROM members').all()).toEqual([{ nickname: '小明' }]);
      expect(db.prepare('SELECT online FROM viewer_stats').all()).toEqual([{ online: 1_234 }]);
      expect(db.prepare('SELECT action FROM control').all()).toEqual([{ action: 3 }]);
      // A method the schema does not know is kept whole, payload in base64, for later decoding.
      expect(db.prepare("SELECT raw_json FROM messages WHERE method = 'WebcastBrandNewMessage'").get()).toEqual({
        raw_json: JSON.stringify({ payload: Buffer.from([8, 1]).toString('base64') }),
      });
    } finally {
      db.close();
    }
  });

  it('appends to an existing database without adding a msgId twice', async () => {
    const sqlite = join(dir, 'room.sqlite');
    await exportAnalytics({ messages$: messages$() }, { sqlite });
    const again = await exportAnalytics({ messages$: messages$() }, { sqlite });
    expect(again).toMatchObject({ rows: 0, duplicates: again.messages });
    const db = new Database(sqlite, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(unique);
    db.close();
  });

  it('writes a CSV that parses back to exactly the same fields, commas, quotes, newlines and emoji included', async () => {
    const csv = join(dir, 'room.csv');
    const sqlite = join(dir, 'room.sqlite');
    await exportAnalytics({ messages$: messages$() }, { sqlite, csv });
    const [header, ...records] = parseCsv(readFileSync(csv, 'utf8'));
    expect(header).toEqual([...ANALYTICS_COLUMNS]);
    expect(records).toHaveLength(unique);

    // Field for field what the database holds (NULL is an empty field).
    const db = new Database(sqlite, { readonly: true });
    const stored = db.prepare('SELECT * FROM messages').all() as Record<string, string | number | null>[];
    db.close();
    const asText = (v: string | number | null) => (v === null ? '' : String(v));
    expect(records).toEqual(
      expect.arrayContaining(stored.map((row) => ANALYTICS_COLUMNS.map((c) => asText(row[c] ?? null)))),
    );
    const tricky = records.find((r) => r[6] === TRICKY_CHAT)!;
    expect(tricky.slice(0, 2)).toEqual(['WebcastChatMessage', expect.stringMatching(/^\d{19}$/)]);
    expect(records.find((r) => r[6] === '=1+1')?.[5]).toBe('逗号, 先生');
  });

  it('keeps duplicates out of a CSV written without a database too, and can start it with a BOM', async () => {
    const csv = join(dir, 'only.csv');
    const summary = await exportAnalytics({ messages$: messages$() }, { csv, csvBom: true });
    expect(summary).toMatchObject({ rows: unique, duplicates: unique - 1 });
    const text = readFileSync(csv, 'utf8');
    expect(text.startsWith('\uFEFFmethod,msg_id,')).toBe(true);
    expect(parseCsv(text.slice(1))).toHaveLength(1 + unique);
  });

  it('quotes exactly the fields that need it', () => {
    expect([
      csvField('plain'),
      csvField('a,b'),
      csvField('say "hi"'),
      csvField('two\nlines'),
      csvField('cr\r'),
      csvField('🎉'),
      csvField(42),
      csvField(null),
      csvField(''),
    ]).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\r"', '🎉', '42', '', '']);
  });

  it('refuses to run with no output, and rejects after writing what it had when the stream fails', async () => {
    await expect(exportAnalytics({ messages$: messages$() }, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const sqlite = join(dir, 'partial.sqlite');
    const failing = new Observable<LiveMessage>((subscriber) => {
      messages$().subscribe({
        next: (m) => subscriber.next(m),
        complete: () => subscriber.error(new Error('socket gone')),
      });
    });
    await expect(exportAnalytics({ messages$: failing }, { sqlite })).rejects.toThrow('socket gone');
    const db = new Database(sqlite, { readonly: true });
    // Everything that arrived before the failure was written.
    expect(db.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(unique);
    db.close();
  });
});
