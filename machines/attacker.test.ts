// The attacker's capabilities (MODEL.md §10): which events an attacker can make happen, and what he knows.
import { describe, expect, it } from 'vitest';
import { attackerView, capabilitiesOf, howKnown, LEGACY_ATTACKER, refusedByCapabilities, type Capability } from './attacker.js';
import { DEFAULT_INTERPRETATIONS, resolveConfig } from './config.js';
import type { ModelEvent } from './events.js';
import { makeSetting } from './setting.js';
import { createModel, runEvents } from './step.js';
import { DEFAULT_POPULATION } from './world.js';

const CONFIG = resolveConfig({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'asn' } },
});
const view = (caps: Capability[]) => attackerView({ ...DEFAULT_POPULATION, capabilities: caps });
const worldAfter = (events: ModelEvent[], caps: Capability[] = LEGACY_ATTACKER as Capability[]) =>
  runEvents(createModel(makeSetting(CONFIG, DEFAULT_INTERPRETATIONS, { ...DEFAULT_POPULATION, capabilities: caps })), events).world;
const aliceMints: ModelEvent[] = [{ type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' }, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }];
const mallorysTurn: ModelEvent = { type: 'AUTHORIZE', device: 'mallory-phone', transferToken: 'stt1', method: 'cookie' };

describe('capabilities', () => {
  it('own-account is always on; no capabilities given means the attacker of MODEL.md §6', () => {
    expect([...capabilitiesOf({ ...DEFAULT_POPULATION, capabilities: [] })]).toEqual(['own-account']);
    expect([...capabilitiesOf(DEFAULT_POPULATION)].sort()).toEqual(['join-network', 'own-account', 'send-link', 'steal-in-transit']);
  });

  it('an attacker\'s device presents a victim\'s token only if he knows it, and says how', () => {
    const w = worldAfter(aliceMints);
    expect(refusedByCapabilities(view(['send-link']), w, mallorysTurn)).toMatch(/mallory does not know stt1 \(minted by alice on alice-phone\)/);
    expect(refusedByCapabilities(view(['steal-in-transit']), w, mallorysTurn)).toBeNull();
    expect(howKnown(view(['steal-in-transit']), w.transferTokens[0])).toBe('steal-in-transit');
    // malware runs on the first victim device, alice-phone, where the token was minted
    expect(howKnown(view(['device-malware']), w.transferTokens[0])).toBe('device-malware');
  });

  it('read-url knows a token only once a victim\'s device sent it in a URL; a cookie-only app leaves that token usable', () => {
    const leaked = [...aliceMints, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' } as ModelEvent];
    expect(worldAfter(aliceMints, ['read-url']).transferTokens[0].inUrl).toBe(false);
    const w = worldAfter(leaked, ['read-url']);
    expect(w.transferTokens[0]).toMatchObject({ inUrl: true, status: 'issued' });
    expect(refusedByCapabilities(view(['read-url']), w, mallorysTurn)).toBeNull();
    // without read-url nothing is recorded: the world is as it was
    expect(worldAfter(leaked, ['send-link']).transferTokens[0].inUrl).toBe(false);
  });

  it('the attacker\'s own token reaches a victim\'s browser by a link with send-link, as a cookie only through malware there', () => {
    const w = worldAfter([{ type: 'NATIVE_LOGIN', user: 'mallory', device: 'mallory-phone' }, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }]);
    const link: ModelEvent = { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' };
    const cookie: ModelEvent = { ...link, method: 'cookie' } as ModelEvent;
    expect(refusedByCapabilities(view(['send-link']), w, link)).toBeNull();
    expect(refusedByCapabilities(view([]), w, link)).toMatch(/by a link only with send-link/);
    expect(refusedByCapabilities(view(['send-link']), w, cookie)).toMatch(/cannot be set as a cookie/);
    expect(refusedByCapabilities(view(['device-malware']), w, { ...cookie, device: 'alice-phone' } as ModelEvent)).toBeNull();
  });

  it('joining a victim\'s network needs join-network; another network does not', () => {
    const w = worldAfter([]);
    expect(refusedByCapabilities(view([]), w, { type: 'MOVE_DEVICE', device: 'mallory-phone', network: 'home' })).toMatch(/cannot join home/);
    expect(refusedByCapabilities(view([]), w, { type: 'MOVE_DEVICE', device: 'mallory-phone', network: 'mobile' })).toBeNull();
    expect(refusedByCapabilities(view(['join-network']), w, { type: 'MOVE_DEVICE', device: 'mallory-phone', network: 'home' })).toBeNull();
    // victims move freely
    expect(refusedByCapabilities(view([]), w, { type: 'MOVE_DEVICE', device: 'alice-phone', network: 'cafe' })).toBeNull();
  });

});
