import { startSimulator, type Simulator, type SimulatorOptions } from '@douyin-live/simulator';
import { decodeWire } from '@douyin-live/testing';
import { FAST_SCENARIO, fetchTtwid, PushClient, pushUrl } from './helpers.js';

const ROOM = '7400000000000000001';

describe('simulator guests and logged-in viewers', () => {
  let sim: Simulator | undefined;
  const clients: PushClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
  });
  const both = async (options: SimulatorOptions) => {
    sim = await startSimulator({ scenario: FAST_SCENARIO, ...options });
    const ttwid = await fetchTtwid(sim);
    const guest = new PushClient(pushUrl(sim, { roomId: ROOM }), { cookie: `ttwid=${ttwid}` });
    const user = new PushClient(pushUrl(sim, { roomId: ROOM }), { cookie: `ttwid=${ttwid}; sessionid=0123abcd` });
    clients.push(guest, user);
    await Promise.all([guest.opened, user.opened]);
    return { guest, user };
  };

  it('masks nicknames and user ids for guests only', async () => {
    const { guest, user } = await both({});
    await Promise.all([guest.until(() => guest.messages.length >= 60), user.until(() => user.messages.length >= 60)]);
    const guestChats = guest.ofMethod('WebcastChatMessage').map((m) => decodeWire('ChatMessage', m.payload));
    const userChats = user.ofMethod('WebcastChatMessage').map((m) => decodeWire('ChatMessage', m.payload));
    expect(guestChats.length).toBeGreaterThan(3);
    for (const chat of guestChats) {
      expect(chat.user?.nickname).toMatch(/^.\*\*\*$/u);
      expect(chat.user?.id).toBe('111111');
    }
    expect(userChats.every((c) => !c.user?.nickname.includes('***') && c.user?.id !== '111111')).toBe(true);
    // Same messages, same ids and content; only the user differs.
    const byId = new Map(userChats.map((c) => [c.common?.msgId, c]));
    for (const chat of guestChats) {
      const original = byId.get(chat.common?.msgId);
      if (original === undefined) continue;
      expect(chat.content).toBe(original.content);
      expect(chat.user?.nickname).toBe(`${Array.from(original.user?.nickname ?? '')[0]}***`);
    }
    expect(sim!.stats.connections.map((c) => c.guest)).toEqual([true, false]);
  });

  it('withholds gifts from guests by option', async () => {
    const { guest, user } = await both({ withholdGiftsFromGuests: true });
    await user.until(() => user.ofMethod('WebcastGiftMessage').length >= 5);
    await guest.until(() => guest.messages.length >= 60);
    expect(guest.ofMethod('WebcastGiftMessage')).toHaveLength(0);
    expect(guest.ofMethod('WebcastChatMessage').length).toBeGreaterThan(0);
  });

  it('does not mask with maskGuests: false', async () => {
    const { guest } = await both({ maskGuests: false });
    await guest.until(() => guest.ofMethod('WebcastChatMessage').length >= 5);
    const chats = guest.ofMethod('WebcastChatMessage').map((m) => decodeWire('ChatMessage', m.payload));
    expect(chats.some((c) => c.user?.nickname.includes('***'))).toBe(false);
  });
});
