import { nextBrowserProfile } from '../../packages/core/src/session/profiles.js';
import { DEFAULT_BROWSER_PROFILE } from '../../packages/core/src/room/pushParams.js';

describe('nextBrowserProfile', () => {
  it('cycles the Chrome major version and keeps the rest of the fingerprint', () => {
    const seen = [DEFAULT_BROWSER_PROFILE];
    for (let i = 0; i < 5; i++) seen.push(nextBrowserProfile(seen.at(-1)!));
    expect(seen.map((p) => /Chrome\/(\d+)/.exec(p.userAgent)![1])).toEqual(['134', '133', '135', '132', '136', '134']);
    expect(seen[1]).toMatchObject({ screenWidth: 1920, platform: 'Win32', timezone: 'Asia/Shanghai' });
  });

  it('leaves a User-Agent without a Chrome version alone', () => {
    const firefox = {
      ...DEFAULT_BROWSER_PROFILE,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    };
    expect(nextBrowserProfile(firefox)).toBe(firefox);
  });
});
