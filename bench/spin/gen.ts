// bench/spin/gen.ts: writes the Promela twin of a scope under one setting, for measuring the explorer
// against Spin on the same state graph (bench/spin/README.md). What the twin knows of the scope and the
// configuration (population, alphabet, bounds, depth, time steps, the clients' flags, the interpretations,
// the attacker's capabilities) is read here from the code; the rules themselves are written out below in
// Promela, after machines/tenant.logic.ts. A setting with a feature the twin does not model is refused with
// the feature named, rather than given a twin that would silently differ.
//   node dist/bench/spin/gen.js            prints the twin of `default` under the golden configuration
//   node dist/bench/spin/gen.js --write    writes it to bench/spin/n2w-default.pml
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { refreshTokenLifetimes } from '../../machines/config.js';
import type { Setting } from '../../machines/setting.js';
import { goldenSetting } from '../../explorer/golden.js';
import { DEFAULT, timeStepSeconds, type Scope } from '../../explorer/scopes.js';

/** The file the twin of `default` under the golden configuration is committed as, from bench/spin/ or dist/bench/spin/. */
export function twinFile(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'bench', 'spin', 'n2w-default.pml');
}

/** What the twin does not model; a setting or scope that needs one of these gets no twin. */
export function unsupported(setting: Setting, scope: Scope): string[] {
  const c = setting.config;
  const out: string[] = [];
  if (c.native.rotationType === 'rotating' || c.web.rotationType === 'rotating') out.push('refresh-token rotation (successors, reuse detection, the leeway)');
  if (c.moreWeb.length > 0) out.push('a second web app');
  if (setting.action !== null) out.push('a post-login Action');
  if (setting.attacker.capabilities.has('read-url')) out.push('the read-url capability (a token\'s inUrl flag)');
  const orgs = new Set<string | null>([null, ...scope.alphabet.AUTHORIZE.organizations, ...scope.alphabet.NATIVE_LOGIN.map((n) => n.organization ?? null)]);
  if (orgs.size > 250 || setting.population.devices.length > 250 || setting.population.users.length > 250) out.push('more than 250 organizations, devices or users (one byte each)');
  return out;
}

/** Promela name of a population name: `alice-phone` -> `ALICE_PHONE`. */
const ident = (prefix: string, name: string) => `${prefix}_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const flag = (b: boolean) => (b ? 1 : 0);
/** A nested conditional expression: the value of `x` among `cases`, else `last`. */
const caseOf = (x: string, cases: [string, number][], last: number): string =>
  cases.reduceRight((acc, [k, v]) => `((${x}) == ${k} -> ${v} : ${acc})`, String(last));

export function generateTwin(setting: Setting = goldenSetting(), scope: Scope = DEFAULT): string {
  const missing = unsupported(setting, scope);
  if (missing.length) throw new Error(`bench/spin: the twin does not model ${missing.join('; ')}`);
  const c = setting.config, i = setting.interpretations, p = setting.population, a = scope.alphabet, b = scope.bounds;
  const users = p.users.map((u) => u.name), devices = p.devices.map((d) => d.name), networks = p.networks.map((n) => n.name);
  const U = (u: string) => ident('U', u), D = (d: string) => ident('D', d), N = (n: string) => ident('N', n);
  const attackers = new Set(p.users.filter((u) => u.attacker).map((u) => u.name));
  const owner = new Map(p.devices.map((d) => [d.name, d.owner]));
  const orgs = [...new Set<string | null>([null, ...a.AUTHORIZE.organizations, ...a.NATIVE_LOGIN.map((n) => n.organization ?? null)])];
  const O = (o: string | null) => (o === null ? 'O_NONE' : ident('O', o));
  // the ips and asns, numbered (two networks may share one)
  const ips = [...new Set(p.networks.map((n) => n.ip))];
  const steps = [...new Set(a.ADVANCE_TIME.flatMap((t) => timeStepSeconds(t, c)))];
  // time in ticks of the steps' greatest common divisor: a clock reached by steps is a whole number of ticks,
  // and `age >= L` seconds is `ticks >= ceil(L / tick)`
  const tick = steps.reduce(gcd, 0) || 1;
  const maxTicks = scope.depth * Math.max(0, ...steps) / tick;
  const timeType = maxTicks <= 255 ? 'byte' : maxTicks <= 32767 ? 'short' : 'int';
  const ticks = (s: number | null) => (s === null ? 0 : Math.ceil(s / tick));
  const nl = refreshTokenLifetimes(c.native), wl = refreshTokenLifetimes(c.web);
  const rtLifetimes = [nl.absolute, nl.idle, wl.absolute, wl.idle].some((x) => x !== null);
  const caps = setting.attacker.capabilities;
  const malware = setting.attacker.malware;
  const maxSessions = b.webLogins + b.mints;
  const isAttacker = (u: string) => (attackers.size === 0 ? '0' : [...attackers].map((x) => `(${u}) == ${U(x)}`).join(' || '));

  const head = `/*
 * n2w-default.pml: the Promela twin of n2w's \`${scope.name}\` scope (explorer/scopes.ts) under the golden
 * configuration (explorer/golden.ts). Generated by bench/spin/gen.ts (\`node dist/bench/spin/gen.js --write\`):
 * do not edit; bench/spin/twin.test.ts checks that it is current and that pan stores the explorer's raw graph
 * (\`canonical: false\`), depth by depth.
 *
 * Run breadth first to the scope's depth: spin -a n2w-default.pml; gcc -O2 -DBFS -DSAFETY -DNOREDUCE -o pan pan.c;
 * ./pan -m${scope.depth}.
 *
 * Scope: ${scope.description}.
 * Population: ${p.users.map((u) => u.name + (u.attacker ? ' (attacker)' : '')).join(', ')}; ${p.devices.map((d) => `${d.name} (${d.owner}, ${d.network})`).join(', ')}.
 * Bounds (a state constraint, as TLC's CONSTRAINT, predicted by each event's guard): ${b.nativeLogins} native
 * families, ${b.mints} transfer tokens, ${b.webLogins} login sessions, ${b.refreshTokens} refresh tokens; depth ${scope.depth}.
 * Time steps: ${steps.join(' s, ')} s; the clock and every timestamp count ticks of ${tick} s (${timeType}).
 * Attacker's capabilities: ${[...caps].join(', ')}.
 * Interpretations: ${JSON.stringify(i)}.
 *
 * A state holds what the explorer's raw fingerprint hashes (explorer/canonical.ts hashRaw), less what is a
 * function of the rest here: without rotation a refresh token is its own family (family = its index, the
 * family's start = its issue time, no predecessor), a transfer token's family is its parent, ip and asn
 * follow from the network, and no Action sets a session deadline.
 */
`;

  const defs = `
#define MAX_RT     ${b.refreshTokens}
#define MAX_STT    ${b.mints}
#define MAX_LOGIN  ${b.webLogins}
#define MAX_FAM    ${b.nativeLogins}
#define MAX_SS     ${maxSessions}   /* the login sessions and one per transfer token redeemed into a new session */
#define NONE       255
#define TIME       ${timeType}

/* population */
${users.map((u, k) => `#define ${U(u)} ${k}`).join('\n')}
${devices.map((d, k) => `#define ${D(d)} ${k}`).join('\n')}
${networks.map((n, k) => `#define ${N(n)} ${k}`).join('\n')}
#define IPOF(n) ${caseOf('n', p.networks.slice(0, -1).map((x) => [N(x.name), ips.indexOf(x.ip)]), ips.indexOf(p.networks.at(-1)!.ip))}
#define ASNOF(n) ${caseOf('n', p.networks.slice(0, -1).map((x) => [N(x.name), x.asn]), p.networks.at(-1)!.asn)}
#define ATTACKER(u) (${isAttacker('u')})
${orgs.map((o, k) => `#define ${O(o)} ${k}`).join('\n')}

/* configuration: native may mint ${c.native.canCreateSessionTransferToken}, web may mint ${c.web.canCreateSessionTransferToken}; the web app's methods, binding, refresh tokens, online flag */
#define NATIVE_CAN_MINT ${flag(c.native.canCreateSessionTransferToken)}
#define WEB_CAN_MINT    ${flag(c.web.canCreateSessionTransferToken)}
#define WEB_COOKIE      ${flag(c.web.allowedAuthenticationMethods.includes('cookie'))}
#define WEB_QUERY       ${flag(c.web.allowedAuthenticationMethods.includes('query'))}
#define B_IP   0
#define B_ASN  1
#define B_NONE 2
#define BINDING ${c.web.enforceDeviceBinding === 'ip' ? 'B_IP' : c.web.enforceDeviceBinding === 'asn' ? 'B_ASN' : 'B_NONE'}
#define WEB_ALLOW_RT    ${flag(c.web.allowRefreshToken)}
#define WEB_ONLINE      ${flag(c.web.enforceOnlineRefreshTokens)}
#define CASCADE_NATIVE  ${flag(c.native.enforceCascadeRevocation)}
#define CASCADE_WEB     ${flag(c.web.enforceCascadeRevocation)}
/* interpretations (N1 changes nothing without rotation: no token is ever reused) */
#define A6          ${flag(i.A6)}
#define A8          ${flag(i.A8)}
#define A10_IGNORED ${flag(i.A10 === 'ignored')}
#define N2          ${flag(i.N2)}

/* time, in ticks of ${tick} s: the transfer-token TTL, the session lifetimes, the refresh-token lifetimes (0: none) */
#define TTL_T    ${ticks(c.transferTokenTtlSeconds)}
#define SLIFE_T  ${ticks(c.sessionLifetimeSeconds)}
#define SIDLE_T  ${ticks(c.idleSessionLifetimeSeconds)}
#define ABS_N    ${ticks(nl.absolute)}
#define IDLE_N   ${ticks(nl.idle)}
#define ABS_W    ${ticks(wl.absolute)}
#define IDLE_W   ${ticks(wl.idle)}

#define M_COOKIE 0
#define M_QUERY  1
#define NATIVE 0
#define WEB    1
#define RT_ACTIVE  1
#define RT_REVOKED 3
#define RT_EXPIRED 4
#define T_ISSUED   1
#define T_CONSUMED 2
#define T_REJECTED 3
#define T_EXPIRED  4
#define T_REVOKED  5
#define S_ACTIVE   1
#define S_REVOKED  2
#define S_EXPIRED  3
#define V_LOGIN    1
#define V_TRANSFER 2

typedef RT {
  byte client; byte user; byte device; byte status;
  byte session;  /* web tokens: the session issued to (NONE) */
  byte parent;   /* web tokens of a transfer-linked session: the native family (NONE) */
  bit online; byte org;
  TIME issued;   /* issuedAt (= familyIssuedAt) */
  TIME used      /* usedAt: the last exchange (idle lifetime) */
};
typedef STT {
  byte user; byte status;
  byte parent;               /* the refresh token presented (= its family) */
  byte device; byte network; /* the holder device and its network at mint */
  byte org;
  TIME issued
};
typedef SS {
  byte user; byte device; byte status; byte via;
  byte stt;      /* the transfer token redeemed into it (NONE) */
  byte parent;   /* the native family it is a child of (NONE) */
  TIME created; TIME last   /* createdAt, lastActiveAt */
};

RT  rts[MAX_RT];
STT stts[MAX_STT];
SS  ss[MAX_SS];
byte nrt, nstt, nss;
byte nfam, nlogin;   /* functions of the arrays (native families, login sessions): kept for the bounds */
byte net[${devices.length}] = { ${p.devices.map((d) => N(d.network)).join(', ')} };   /* each device's network (${devices.join(', ')}) */
byte cookie[${devices.length}] = NONE;   /* each browser's session cookie */
TIME clock;
/* scratch, set before use inside each d_step and zeroed at its end (pan's breadth-first search refuses
   hidden variables): constant in every stored state */
byte j, k, s0, x0, msk, am, fl;
#define CLEAR j = 0; k = 0; s0 = 0; x0 = 0; msk = 0; am = 0; fl = 0
`;

  const logic = `
/* the browser's current session: its cookie points at an active session */
#define DSESS(d) (cookie[d] != NONE && ss[cookie[d]].status == S_ACTIVE)
#define ALLOWED(m) ((m) == M_COOKIE -> WEB_COOKIE : WEB_QUERY)
#define NO_USABLE(m) (!ALLOWED(m) && A10_IGNORED)
#define T_DEAD(t) (stts[t].status == T_CONSUMED || stts[t].status == T_REJECTED || stts[t].status == T_EXPIRED || clock - stts[t].issued >= TTL_T)
/* a family is the token alone (no rotation): revoked when it is */
#define FAM_REVOKED(f) (rts[f].status == RT_REVOKED)
#define BIND_FAILS(t,d) ((BINDING == B_IP && IPOF(net[d]) != IPOF(stts[t].network)) || (BINDING == B_ASN && ASNOF(net[d]) != ASNOF(stts[t].network)))
#define CAN_MINT(r) (rts[r].client == NATIVE -> NATIVE_CAN_MINT : WEB_CAN_MINT)
#define CASCADE(r) (rts[r].client == NATIVE -> CASCADE_NATIVE : CASCADE_WEB)
/* world.ts lineage(): the native family a token descends from, its own or its session's */
#define LINEAGE(r) ((rts[r].parent != NONE || rts[r].session == NONE) -> rts[r].parent : (ss[rts[r].session].parent == r -> NONE : ss[rts[r].session].parent))
/* maybeIssueWebRefreshToken issues a token for session x (redeemed: the login redeemed a transfer token) */
#define WEB_RT_ISSUED(x, f, redeemed) ((f) && (WEB_ALLOW_RT || (ss[x].parent == NONE && !(redeemed))))
/* the active session an online token is tied to (N2) */
#define ONLINE_SESSION(r) (rts[r].online && rts[r].session != NONE && ss[rts[r].session].status == S_ACTIVE)
#define ABS_OF(r) (rts[r].client == NATIVE -> ABS_N : ABS_W)
#define IDLE_OF(r) (rts[r].client == NATIVE -> IDLE_N : IDLE_W)

/* ---- guards: the event is offered (enumerate.ts, attacker.ts) and its successor is within the bounds ---- */
#define G_NATIVE_LOGIN (nrt < MAX_RT && nfam < MAX_FAM)
/* a mint that succeeds creates a transfer token */
#define MINT_OK(r) (CAN_MINT(r) && rts[r].status == RT_ACTIVE && LINEAGE(r) == NONE)
#define G_MINT(r) (r < nrt && !(MINT_OK(r) && nstt >= MAX_STT))
#define G_RT(r) (r < nrt)
#define G_AUTH(d,f) (!(DSESS(d) && WEB_RT_ISSUED(cookie[d], f, 0) && nrt >= MAX_RT))
/* /authorize with transfer token t issues a web refresh token: A9's order of checks down to a login */
#define AUTH_T_RT(t,d,m,o,f) (NO_USABLE(m) -> (DSESS(d) && WEB_RT_ISSUED(cookie[d], f, 0)) : \\
  ((!ALLOWED(m) || T_DEAD(t) || FAM_REVOKED(stts[t].parent) || BIND_FAILS(t,d) || (o) != stts[t].org || (DSESS(d) && ss[cookie[d]].user != stts[t].user)) -> 0 : \\
  ((f) && WEB_ALLOW_RT)))
#define G_AUTH_T(t,d,m,o,f) (t < nstt && !(AUTH_T_RT(t,d,m,o,f) && nrt >= MAX_RT))
#define WL_REAUTH(d,u) (DSESS(d) && ss[cookie[d]].user == u)
#define G_WEB_LOGIN(d,u,f) ((nlogin < MAX_LOGIN || WL_REAUTH(d,u)) && \\
  !(nrt >= MAX_RT && (WL_REAUTH(d,u) -> WEB_RT_ISSUED(cookie[d], f, 0) : (f))))
#define G_SESSION(x) (x < nss)

/* the bounds were predicted right by the guards (and the arrays did not overflow) */
#define BOUNDS assert(nrt <= MAX_RT && nstt <= MAX_STT && nlogin <= MAX_LOGIN && nfam <= MAX_FAM && nss <= MAX_SS)

/* ---- effects (machines/tenant.logic.ts) ---- */

inline issueWebRT(x) {
  rts[nrt].client = WEB; rts[nrt].user = ss[x].user; rts[nrt].device = ss[x].device; rts[nrt].status = RT_ACTIVE;
  rts[nrt].session = x; rts[nrt].parent = ss[x].parent;
  rts[nrt].online = ((ss[x].parent != NONE && WEB_ONLINE) -> 1 : 0); rts[nrt].org = O_NONE;
  rts[nrt].issued = clock; rts[nrt].used = clock;
  nrt++
}
inline maybeIssueWebRT(x, f, redeemed) {
  if :: WEB_RT_ISSUED(x, f, redeemed) -> issueWebRT(x) :: else -> skip fi
}
inline createSession(cu, cd, cvia, ctt, cpar) {
  ss[nss].user = cu; ss[nss].device = cd; ss[nss].status = S_ACTIVE; ss[nss].via = cvia; ss[nss].stt = ctt; ss[nss].parent = cpar;
  ss[nss].created = clock; ss[nss].last = clock;
  cookie[cd] = nss; nss++
}
/* the end of a session: the browser holds none, its online refresh tokens are revoked (R27, A17) */
inline endSession(x) {
  if :: cookie[ss[x].device] == x -> cookie[ss[x].device] = NONE :: else -> skip fi;
  k = 0;
  do
  :: k < nrt -> if :: rts[k].session == x && rts[k].online -> rts[k].status = RT_REVOKED :: else -> skip fi; k++
  :: else -> break
  od
}
inline revokeSessionI(x) {
  if :: ss[x].status == S_ACTIVE -> ss[x].status = S_REVOKED; endSession(x) :: else -> skip fi
}
/* revokes family F (the token alone), its pending transfer tokens (A2), then the cascade (R26, A5) */
inline revokeFamilyI(F) {
  rts[F].status = RT_REVOKED;
  j = 0;
  do :: j < nstt -> if :: stts[j].parent == F && stts[j].status == T_ISSUED -> stts[j].status = T_REVOKED :: else -> skip fi; j++ :: else -> break od;
  fl = 0; j = 0;
  do :: j < nss -> if :: ss[j].parent == F -> fl = 1 :: else -> skip fi; j++ :: else -> break od;
  j = 0;
  do :: j < nrt -> if :: rts[j].parent == F -> fl = 1 :: else -> skip fi; j++ :: else -> break od;
  if
  :: fl && CASCADE(F) ->
     /* the tokens are found by lineage before the sessions' revocation changes anything */
     msk = 0; j = 0;
     do :: j < nrt -> if :: LINEAGE(j) == F -> msk = msk | (1 << j) :: else -> skip fi; j++ :: else -> break od;
     j = 0;
     do :: j < nss -> if :: ss[j].parent == F -> revokeSessionI(j) :: else -> skip fi; j++ :: else -> break od;
     j = 0;
     do :: j < nrt -> if :: msk & (1 << j) -> rts[j].status = RT_REVOKED :: else -> skip fi; j++ :: else -> break od
  :: else -> skip
  fi
}

inline nativeLogin(u, d, o) {
  rts[nrt].client = NATIVE; rts[nrt].user = u; rts[nrt].device = d; rts[nrt].status = RT_ACTIVE;
  rts[nrt].session = NONE; rts[nrt].parent = NONE; rts[nrt].online = 0; rts[nrt].org = o;
  rts[nrt].issued = clock; rts[nrt].used = clock;
  nrt++; nfam++
}
/* an exchange that succeeds (no rotation): the token's idle timer restarts (LT4); N2: its online session's too */
inline exchanged(r) {
  rts[r].used = clock;
  if :: N2 && ONLINE_SESSION(r) -> ss[rts[r].session].last = clock :: else -> skip fi
}
inline mint(r) {
  if
  :: !CAN_MINT(r) -> skip                                             /* client_not_allowed */
  :: else ->
     if
     :: rts[r].status == RT_REVOKED || rts[r].status == RT_EXPIRED -> skip   /* revoked, expired */
     :: else ->
        if
        :: LINEAGE(r) != NONE -> skip                                 /* nested_transfer_forbidden */
        :: else ->
           stts[nstt].user = rts[r].user; stts[nstt].status = T_ISSUED; stts[nstt].parent = r;
           stts[nstt].device = rts[r].device; stts[nstt].network = net[rts[r].device]; stts[nstt].org = rts[r].org;
           stts[nstt].issued = clock;
           nstt++;
           exchanged(r)
        fi
     fi
  fi
}
inline refresh(r) {
  if :: rts[r].status == RT_REVOKED || rts[r].status == RT_EXPIRED -> skip :: else -> exchanged(r) fi
}
inline revokeRt(r) {
  if
  :: rts[r].status == RT_REVOKED -> skip                              /* already_revoked */
  :: else ->
     /* N2: revoking an online token ends its session (found before the family goes) */
     if :: N2 && ONLINE_SESSION(r) -> x0 = rts[r].session + 1 :: else -> x0 = 0 fi;
     s0 = r; revokeFamilyI(s0);
     if :: x0 > 0 -> x0 = x0 - 1; revokeSessionI(x0) :: else -> skip fi
  fi
}
inline revokeSession(x) {
  s0 = x; revokeSessionI(s0)
}
/* A19 = always: the administrator's revocation also revokes the family of every token issued to the session */
inline adminRevokeSession(x) {
  s0 = x; revokeSessionI(s0);
  am = 0; k = 0;
  do :: k < nrt -> if :: rts[k].session == x && rts[k].status != RT_REVOKED -> am = am | (1 << k) :: else -> skip fi; k++ :: else -> break od;
  x0 = 0;
  do :: x0 < nrt -> if :: am & (1 << x0) -> revokeFamilyI(x0) :: else -> skip fi; x0++ :: else -> break od
}
/* /authorize without a usable transfer token: SSO in the browser's session, if any */
inline authorizePlain(d, f) {
  if
  :: DSESS(d) -> s0 = cookie[d]; ss[s0].last = clock; maybeIssueWebRT(s0, f, 0)   /* reuseSession (LT2) */
  :: else -> skip                                                     /* login_required: no_session */
  fi
}
inline burn(t) {
  if :: A8 && stts[t].status == T_ISSUED -> stts[t].status = T_REJECTED :: else -> skip fi
}
/* /authorize with transfer token t, A9's order of checks */
inline authorizeT(t, d, m, o, f) {
  if
  :: NO_USABLE(m) -> authorizePlain(d, f)
  :: !ALLOWED(m) && !A10_IGNORED -> skip                              /* method_not_allowed */
  :: else ->
     if
     :: T_DEAD(t) -> skip                                             /* not found or expired */
     :: else ->
        if
        :: FAM_REVOKED(stts[t].parent) -> skip                        /* parent_refresh_token_revoked */
        :: else ->
           if
           :: BIND_FAILS(t, d) -> burn(t)                             /* device_binding_failed */
           :: else ->
              if
              :: o != stts[t].org -> burn(t)                          /* organization_mismatch */
              :: else ->
                 if
                 :: DSESS(d) && ss[cookie[d]].user != stts[t].user -> /* user_mismatch */
                    s0 = cookie[d]; revokeSessionI(s0); burn(t)
                 :: DSESS(d) && ss[cookie[d]].user == stts[t].user -> /* reuseSessionWithTransfer */
                    assert(stts[t].status == T_ISSUED);               /* property single-use */
                    stts[t].status = T_CONSUMED; s0 = cookie[d];
                    if :: A6 && ss[s0].parent == NONE -> ss[s0].parent = stts[t].parent :: else -> skip fi;
                    ss[s0].last = clock;
                    maybeIssueWebRT(s0, f, 1)
                 :: else ->                                           /* createSessionFromTransfer */
                    assert(stts[t].status == T_ISSUED);               /* property single-use */
                    stts[t].status = T_CONSUMED;
                    s0 = nss; createSession(stts[t].user, d, V_TRANSFER, t, stts[t].parent);
                    maybeIssueWebRT(s0, f, 1)
                 fi
              fi
           fi
        fi
     fi
  fi
}
inline webLogin(d, u, f) {
  if
  :: WL_REAUTH(d, u) -> s0 = cookie[d]; ss[s0].last = clock; maybeIssueWebRT(s0, f, 0)   /* reauthenticate */
  :: else ->                                                          /* interactiveLogin (A3, A7) */
     if :: DSESS(d) -> s0 = cookie[d]; revokeSessionI(s0) :: else -> skip fi;
     s0 = nss; createSession(u, d, V_LOGIN, NONE, NONE); nlogin++;
     maybeIssueWebRT(s0, f, 0)
  fi
}
/* time expires transfer tokens (R9, A14), refresh tokens (LT3, LT4), then sessions (LT1, with the online rule) */
inline advanceTime(dt) {
  clock = clock + dt;
  j = 0;
  do :: j < nstt -> if :: stts[j].status == T_ISSUED && clock - stts[j].issued >= TTL_T -> stts[j].status = T_EXPIRED :: else -> skip fi; j++ :: else -> break od;
${rtLifetimes ? `  j = 0;
  do
  :: j < nrt ->
     if
     :: rts[j].status == RT_ACTIVE && ((ABS_OF(j) > 0 && clock - rts[j].issued >= ABS_OF(j)) || (IDLE_OF(j) > 0 && clock - rts[j].used >= IDLE_OF(j))) -> rts[j].status = RT_EXPIRED
     :: else -> skip
     fi; j++
  :: else -> break
  od;
` : '  /* no refresh-token lifetime in this configuration */\n'}  j = 0;
  do
  :: j < nss ->
     if
     :: ss[j].status == S_ACTIVE && (clock - ss[j].created >= SLIFE_T || clock - ss[j].last >= SIDLE_T) -> ss[j].status = S_EXPIRED; endSession(j)
     :: else -> skip
     fi; j++
  :: else -> break
  od
}
`;

  // ---- the event options: one per event of the scope's alphabet, guarded as the enumerator offers it ----
  const opts: string[] = [];
  const opt = (guard: string, effect: string, label: string) => opts.push(`  :: d_step { ${guard} -> ${effect}; BOUNDS; CLEAR }   /* ${label} */`);
  // attacker.ts refusedByCapabilities for /authorize with token t from device d by method m
  const knows = (t: string) => {
    const ways = [`ATTACKER(stts[${t}].user)`];
    if (caps.has('steal-in-transit')) return '1';
    if (caps.has('device-malware') && malware !== undefined) ways.push(`stts[${t}].device == ${D(malware)}`);
    return ways.join(' || ');
  };
  const authorizeAllowed = (t: string, d: string, m: 'cookie' | 'query'): string => {
    if (attackers.has(owner.get(d)!)) return knows(t);
    const planted = m === 'query' ? caps.has('send-link') : caps.has('device-malware') && d === malware;
    return planted ? '1' : `!ATTACKER(stts[${t}].user)`;
  };
  const moveAllowed = (device: string, network: string): string => {
    const o = owner.get(device)!;
    if (!attackers.has(o) || caps.has('join-network')) return '1';
    if (setting.attacker.victimNetworks.has(network)) return '0';
    const victims = p.devices.filter((x) => !attackers.has(x.owner));
    return victims.length ? `!(${victims.map((x) => `net[${D(x.name)}] == ${N(network)}`).join(' || ')})` : '1';
  };
  const offs = (xs: readonly boolean[]) => xs.map((x) => (x ? 1 : 0));

  for (const n of a.NATIVE_LOGIN) opt('G_NATIVE_LOGIN', `nativeLogin(${U(n.user)}, ${D(n.device)}, ${O(n.organization ?? null)})`, `NATIVE_LOGIN ${n.user} ${n.device}${n.organization ? ' ' + n.organization : ''}`);
  for (let r = 0; r < b.refreshTokens; r++) {
    if (a.MINT_TRANSFER_TOKEN) opt(`G_MINT(${r})`, `mint(${r})`, `MINT_TRANSFER_TOKEN rt${r + 1}`);
    if (a.REFRESH) opt(`G_RT(${r})`, `refresh(${r})`, `REFRESH rt${r + 1}`);
    if (a.REVOKE_REFRESH_TOKEN) opt(`G_RT(${r})`, `revokeRt(${r})`, `REVOKE_REFRESH_TOKEN rt${r + 1}`);
  }
  for (const d of a.AUTHORIZE.devices) for (const f of offs(a.AUTHORIZE.offlineAccess)) opt(`G_AUTH(${D(d)}, ${f})`, `authorizePlain(${D(d)}, ${f})`, `AUTHORIZE ${d} offline_access=${f}`);
  for (let t = 0; t < b.mints; t++) {
    for (const d of a.AUTHORIZE.devices) for (const m of a.AUTHORIZE.methods) for (const o of a.AUTHORIZE.organizations) for (const f of offs(a.AUTHORIZE.offlineAccess)) {
      const mm = m === 'cookie' ? 'M_COOKIE' : 'M_QUERY';
      const allowed = authorizeAllowed(String(t), d, m);
      opt(`G_AUTH_T(${t}, ${D(d)}, ${mm}, ${O(o)}, ${f})${allowed === '1' ? '' : ` && (${allowed})`}`, `authorizeT(${t}, ${D(d)}, ${mm}, ${O(o)}, ${f})`,
        `AUTHORIZE ${d} stt${t + 1} ${m} ${o ?? 'no organization'} offline_access=${f}`);
    }
  }
  for (const l of a.WEB_LOGIN.logins) for (const f of offs(a.WEB_LOGIN.offlineAccess)) opt(`G_WEB_LOGIN(${D(l.device)}, ${U(l.user)}, ${f})`, `webLogin(${D(l.device)}, ${U(l.user)}, ${f})`, `WEB_LOGIN ${l.user} ${l.device} offline_access=${f}`);
  if (a.REVOKE_SESSION) {
    for (let x = 0; x < maxSessions; x++) {
      opt(`G_SESSION(${x})`, `revokeSession(${x})`, `REVOKE_SESSION s${x + 1}`);
      if (i.A19 === 'always') opt(`G_SESSION(${x})`, `adminRevokeSession(${x})`, `REVOKE_SESSION s${x + 1} by admin`);
    }
  }
  for (const s of steps) opt('1', `advanceTime(${s / tick})`, `ADVANCE_TIME ${s} s`);
  for (const m of a.MOVE_DEVICE) {
    const allowed = moveAllowed(m.device, m.network);
    if (allowed === '0') continue;
    opt(`net[${D(m.device)}] != ${N(m.network)}${allowed === '1' ? '' : ` && ${allowed}`}`, `net[${D(m.device)}] = ${N(m.network)}`, `MOVE_DEVICE ${m.device} ${m.network}`);
  }

  const world = `
/* one process, one loop: every event of the alphabet is an atomic guarded option (one transition) */
active proctype world() {
end:
  do
${opts.join('\n')}
  od
}
`;
  return head + defs + logic + world;
}

if (process.argv[1]?.endsWith('bench/spin/gen.js')) {
  const text = generateTwin();
  if (process.argv.includes('--write')) {
    writeFileSync(twinFile(), text);
    console.log(`wrote ${twinFile()}`);
  } else process.stdout.write(text);
}
