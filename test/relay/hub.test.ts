// The relay's event log: numbering, the bounded ring behind SSE resume, and filters.
import { EventHub, wants, type HubClient, type HubEntry } from '../../packages/relay/src/hub.js';
import { parseEventFilter } from '../../packages/relay/src/query.js';

const all = parseEventFilter(new URLSearchParams(), [], true);
const chatOnly = parseEventFilter(new URLSearchParams('only=chat'), [], true);
const everything = parseEventFilter(new URLSearchParams('only=chat,audience'), [], true);

function publishChats(hub: EventHub, n: number): void {
  for (let i = 0; i < n; i++) {
    hub.publish({ kind: 'message', room: 'r', method: 'WebcastChatMessage', msgId: String(i) });
    hub.publish({ kind: 'audience', room: 'r', viewers: i, likes: null });
  }
}

describe('EventHub', () => {
  it('numbers events from 1 and hands each client what its filter wants, serialised once', () => {
    const hub = new EventHub(100);
    const got: HubEntry[] = [];
    const client: HubClient = { filter: chatOnly, send: (e) => got.push(e) };
    hub.clients.add(client);
    publishChats(hub, 3);
    expect(hub.latestId).toBe(6);
    expect(got.map((e) => e.id)).toEqual([1, 3, 5]);
    expect(JSON.parse(got[0]!.json)).toEqual({ kind: 'message', room: 'r', method: 'WebcastChatMessage', msgId: '0' });
    expect(hub.delivered).toBe(3);
  });

  it('replays what followed an id, and says when some of it fell out of the ring', () => {
    const hub = new EventHub(4);
    publishChats(hub, 5); // ids 1..10, the ring holds 7..10
    expect(hub.oldestId).toBe(7);
    expect(hub.since(8, everything)).toEqual({
      entries: [expect.objectContaining({ id: 9 }), expect.objectContaining({ id: 10 })],
      gap: undefined,
    });
    const late = hub.since(2, chatOnly);
    expect(late.gap).toBe(7);
    expect(late.entries.map((e) => e.id)).toEqual([7, 9]);
    expect(hub.since(10, all)).toEqual({ entries: [], gap: undefined });
  });

  it('treats an id it never handed out (a relay restarted) as: everything buffered is new, with a gap', () => {
    const hub = new EventHub(4);
    publishChats(hub, 1);
    const stale = hub.since(5_000, everything);
    expect(stale.gap).toBe(1);
    expect(stale.entries.map((e) => e.id)).toEqual([1, 2]);
  });

  it('keeps nothing with a zero-size buffer, and says so', () => {
    const hub = new EventHub(0);
    publishChats(hub, 2);
    expect(hub.since(1, all)).toEqual({ entries: [], gap: 5 });
  });

  it('filters by room, message kind and derived kind', () => {
    const entry = (kind: HubEntry['kind'], room: string, method?: string): HubEntry => ({
      id: 1,
      kind,
      room,
      method,
      json: '{}',
      bytes: Buffer.from('{}'),
    });
    const f = parseEventFilter(new URLSearchParams('rooms=a&only=gift,combo'), ['a', 'b'], false);
    expect(wants(f, entry('message', 'a', 'WebcastGiftMessage'))).toBe(true);
    expect(wants(f, entry('message', 'a', 'WebcastChatMessage'))).toBe(false);
    expect(wants(f, entry('message', 'b', 'WebcastGiftMessage'))).toBe(false);
    expect(wants(f, entry('combo', 'a'))).toBe(true);
    expect(wants(f, entry('leaderboard', 'a'))).toBe(false);
    expect(wants(f, entry('state', 'a'))).toBe(true); // always
    expect(wants(all, entry('combo', 'a'))).toBe(false); // derived kinds only when asked for
  });
});
