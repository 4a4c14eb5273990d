import { describe, expect, it } from 'vitest';
import { FAULTS } from './config.js';
import { startServer } from './server.js';
import { useReferenceServer } from './test-server.js';
import { Kit, NETWORKS, n2wConfig } from './testkit.js';

// The web app may mint too, so that nested-transfer-allowed has something to allow.
const BASE = n2wConfig({ web: { can_create_session_transfer_token: true } });

let kit: Kit;
useReferenceServer((k) => { kit = k; });

// Short session lifetimes (2 min absolute, 1 min idle) and a rotating native app with a 30 s leeway.
const LIFETIMES = n2wConfig({
  rotation: 'rotating',
  nativeRefreshToken: { leeway: 30 },
  tenant: { session_lifetime: 120 / 3600, idle_session_lifetime: 60 / 3600 },
});

/** Run `scenario` on a fresh tenant without faults and with `fault`; return both results. */
async function both<T>(fault: string, scenario: () => Promise<T>, config: unknown = BASE): Promise<{ clean: T; faulty: T }> {
  expect((await kit.reset({ config, faults: [] })).status).toBe(200);
  const clean = await scenario();
  expect((await kit.reset({ config, faults: [fault] })).status).toBe(200);
  const faulty = await scenario();
  await kit.reset({ config: BASE, faults: [] });
  return { clean, faulty };
}

describe('seeded faults: each changes the behaviour it names', () => {
  it('reusable-transfer-token: a second redemption logs in again', async () => {
    const { clean, faulty } = await both('reusable-transfer-token', async () => {
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt);
      await kit.authorize(kit.browser(), { stt });
      return (await kit.authorize(kit.browser(), { stt })).outcome;
    });
    expect(clean).toBe('login_required');
    expect(faulty).toBe('logged_in');
  });

  it('no-expiry: a token older than 60 s still redeems', async () => {
    const { clean, faulty } = await both('no-expiry', async () => {
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt);
      await kit.advance(3600);
      return (await kit.authorize(kit.browser(), { stt })).outcome;
    });
    expect(clean).toBe('login_required');
    expect(faulty).toBe('logged_in');
  });

  it('ignore-device-binding: a token redeems from another network', async () => {
    const { clean, faulty } = await both('ignore-device-binding', async () => {
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt, NETWORKS.home);
      return (await kit.authorize(kit.browser(NETWORKS.mobile), { stt })).outcome;
    });
    expect(clean).toBe('login_required');
    expect(faulty).toBe('logged_in');
  });

  it('mismatch-keeps-session: the other user\'s session survives a user mismatch', async () => {
    const { clean, faulty } = await both('mismatch-keeps-session', async () => {
      const laptop = kit.browser(NETWORKS.home);
      await kit.webLogin(laptop, 'alice');
      const { rt } = await kit.nativeLogin('mallory', NETWORKS.home);
      const a = await kit.authorize(laptop, { stt: await kit.stt(rt, NETWORKS.home) });
      expect(a.reason).toBe('user_mismatch');
      return (await kit.state()).sessions.find((s) => s.id === 's1')!.status;
    });
    expect(clean).toBe('revoked');
    expect(faulty).toBe('active');
  });

  it('nested-transfer-allowed: a refresh token of a transfer-born session mints a transfer token', async () => {
    const { clean, faulty } = await both('nested-transfer-allowed', async () => {
      const { webRt } = await kit.transferSession();
      return (await kit.mint(webRt, NETWORKS.home, 'web-app')).status;
    });
    expect(clean).toBe(403);
    expect(faulty).toBe(200);
  });

  it('shallow-cascade: the cascade revokes the session but leaves its web refresh token', async () => {
    const { clean, faulty } = await both('shallow-cascade', async () => {
      const { rt, webRt } = await kit.transferSession();
      const r = await kit.revoke(rt);
      expect(r.effects?.revoked.sessions).toEqual(['s1']);
      return (await kit.refresh(webRt, 'web-app')).status;
    });
    expect(clean).toBe(403);
    expect(faulty).toBe(200);
  });

  it('offline-web-refresh-tokens: the web refresh token outlives logout', async () => {
    const { clean, faulty } = await both('offline-web-refresh-tokens', async () => {
      const { b, webRt } = await kit.transferSession();
      await kit.logout(b);
      return (await kit.refresh(webRt, 'web-app')).status;
    });
    expect(clean).toBe(403);
    expect(faulty).toBe(200);
  });

  it('revoked-parent-still-redeems: a token redeems after its parent was revoked', async () => {
    const { clean, faulty } = await both('revoked-parent-still-redeems', async () => {
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt);
      await kit.revoke(rt);
      return (await kit.authorize(kit.browser(), { stt })).outcome;
    });
    expect(clean).toBe('login_required');
    expect(faulty).toBe('logged_in');
  });

  it('expiry-keeps-online-tokens: the web refresh token outlives its session\'s expiry', async () => {
    const { clean, faulty } = await both(
      'expiry-keeps-online-tokens',
      async () => {
        const { webRt } = await kit.transferSession();
        const t = await kit.advance(60);
        expect(t.effects?.expired?.sessions).toEqual(['s1']);
        return [t.effects?.revoked.refreshTokens, (await kit.refresh(webRt, 'web-app')).status];
      },
      LIFETIMES,
    );
    expect(clean).toEqual([['rt3'], 403]); // rt2 is the mint's rotation of rt1
    expect(faulty).toEqual([[], 200]);
  });

  it('leeway-any-old-token: a token two rotations old is honoured within the leeway', async () => {
    const { clean, faulty } = await both(
      'leeway-any-old-token',
      async () => {
        const { rt } = await kit.nativeLogin('alice');
        const rt2 = (await kit.refresh(rt)).body.refresh_token as string;
        await kit.refresh(rt2);
        const again = await kit.refresh(rt);
        return [again.status, again.reason ?? null];
      },
      LIFETIMES,
    );
    expect(clean).toEqual([403, 'refresh_token_reused']);
    expect(faulty).toEqual([200, null]);
  });

  it('second-app-nests: a second web app\'s refresh token of a transfer-born session mints a transfer token', async () => {
    const twoApps = n2wConfig({
      moreWeb: [{ session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: ['query'], allow_refresh_token: true } }],
    });
    const { clean, faulty } = await both(
      'second-app-nests',
      async () => {
        const { rt } = await kit.nativeLogin('alice');
        const at2 = await kit.authorizeAndExchange(kit.browser(), { clientId: 'web-app-2', stt: await kit.stt(rt), method: 'query', offline: true });
        return (await kit.mint(at2.tokens!.body.refresh_token as string, NETWORKS.home, 'web-app-2')).status;
      },
      twoApps,
    );
    expect(clean).toBe(403);
    expect(faulty).toBe(200);
  });

  // the race faults change nothing one request at a time: only overlapping requests tell
  it('racy-redemption: one transfer token redeemed by two overlapping requests logs in twice; one after the other, once', async () => {
    const { clean, faulty } = await both('racy-redemption', async () => {
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt);
      const together = await Promise.all([kit.authorize(kit.browser(), { stt, method: 'query' }), kit.authorize(kit.browser(), { stt, method: 'query' })]);
      const stt2 = await kit.stt(rt);
      const apart = [await kit.authorize(kit.browser(), { stt: stt2, method: 'query' }), await kit.authorize(kit.browser(), { stt: stt2, method: 'query' })];
      return { together: together.map((r) => r.outcome).sort(), apart: apart.map((r) => r.outcome) };
    });
    expect(clean).toEqual({ together: ['logged_in', 'login_required'], apart: ['logged_in', 'login_required'] });
    expect(faulty).toEqual({ together: ['logged_in', 'logged_in'], apart: ['logged_in', 'login_required'] });
  });

  it('racy-rotation: one rotating refresh token refreshed by two overlapping requests rotates twice; one after the other, reuse', async () => {
    const rotating = n2wConfig({ rotation: 'rotating' });
    const { clean, faulty } = await both('racy-rotation', async () => {
      const a = (await kit.nativeLogin('alice')).rt;
      const together = await Promise.all([kit.refresh(a), kit.refresh(a)]);
      const b = (await kit.nativeLogin('alice')).rt;
      const apart = [await kit.refresh(b), await kit.refresh(b)];
      return { together: together.map((r) => r.status).sort(), apart: apart.map((r) => r.status) };
    }, rotating);
    expect(clean).toEqual({ together: [200, 403], apart: [200, 403] });
    expect(faulty).toEqual({ together: [200, 200], apart: [200, 403] });
  });

  it('every fault is covered above, and startServer refuses an unknown one', async () => {
    expect(FAULTS.length).toBe(13);
    await expect(startServer({ faults: ['no-such-fault'] })).rejects.toThrow(/unknown fault/);
    const r = await kit.reset({ faults: ['no-such-fault'] });
    expect(r.status).toBe(400);
  });

  it('faults given at start are active and listed in /test/state', async () => {
    const s = await startServer({ testMode: true, faults: ['no-expiry', 'ignore-device-binding'], config: BASE });
    try {
      const k = new Kit(s.url);
      expect((await k.state()).faults).toEqual(['no-expiry', 'ignore-device-binding']);
      const { rt } = await k.nativeLogin('alice');
      const stt = await k.stt(rt, NETWORKS.home);
      await k.advance(120);
      expect((await k.authorize(k.browser(NETWORKS.mobile), { stt })).outcome).toBe('logged_in');
    } finally {
      await s.close();
    }
  });
});
