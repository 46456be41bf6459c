/**
 * `client-canary/server`: the browser's decisions, made on a server or an edge function before the
 * page is sent. It reads (or sets) the `client_canary_uid` cookie the browser SDK keeps, decides
 * with the same pure `decide`, and hands the page a `bootstrap` so that the browser decides the
 * same, at once, with no request. No Node built-ins: it runs on Node and on edge runtimes.
 */
import type { Widen } from '../client';
import type { Bootstrap } from '../config/bootstrap';
import { checkConfig } from '../config/check';
import type { ConfigError } from '../config/parse';
import type { CanaryConfig, FlagValue } from '../config/schema';
import { decide, type Attributes, type Decision, type Variant } from '../decide/decide';
import { allFlags, flagValue } from '../decide/flags';
import { headerOf, isHttps, uidCookie, uidFromCookie, type RequestLike } from './cookie';

export type { RequestLike } from './cookie';
export type { Bootstrap } from '../config/bootstrap';

export interface ServerCanaryOptions {
  /** The parsed `canary-config.json` (validated here; an invalid one decides everything stable). */
  config: unknown;
  /** The app's own user id (a signed-in user): wins over the cookie, and no cookie is set. Pass it to createCanary too. */
  userId?: string;
  /** Attributes that `match` targets; they travel to the browser in the bootstrap. */
  attributes?: Attributes;
  /** Epoch ms to decide ramps at (default the clock); the browser steps ramps on this clock. */
  now?: number;
  /** Mark a new cookie `Secure` (default: the request came over https). */
  secure?: boolean;
}

/** The decisions of one request, as the browser will make them. */
export interface ServerCanary {
  readonly userId: string;
  /** A `Set-Cookie` value when the request had no id: send it. (A page started from the bootstrap writes the cookie too.) */
  readonly setCookie: string | undefined;
  /** Why the config was not used; undefined when it was valid. */
  readonly errors: ConfigError[] | undefined;
  decide(feature: string): Decision;
  variant(feature: string): Variant;
  isCanary(feature: string): boolean;
  flag<T extends FlagValue>(name: string, defaultValue: T): Widen<T>;
  flags(): Record<string, FlagValue>;
  /** Every feature's variant. */
  variants(): Record<string, Variant>;
  /** For `createCanary({ bootstrap })`; undefined when the config is not valid. */
  readonly bootstrap: Bootstrap | undefined;
  /** The bootstrap as JSON that is safe inside `<script type="application/json">` ('null' without one). */
  bootstrapJson(): string;
}

// A server decides many requests by one config object: it is checked once.
const checked = new WeakMap<object, ReturnType<typeof checkConfig>>();
const check = (config: unknown) => {
  if (!config || typeof config !== 'object') return checkConfig(config);
  let result = checked.get(config);
  if (!result) checked.set(config, (result = checkConfig(config)));
  return result;
};

/** Characters that could end a script element or break JavaScript parsing of JSON. */
const UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * Decides a request as the browser will.
 *
 * @example
 * const canary = canaryForRequest(req, { config });
 * if (canary.setCookie) res.setHeader('Set-Cookie', canary.setCookie);
 * html += `<script type="application/json" id="canary-bootstrap">${canary.bootstrapJson()}</script>`;
 * // in the page: createCanary({ configUrl, bootstrap: JSON.parse(document.getElementById('canary-bootstrap').textContent) })
 */
export function canaryForRequest(request: RequestLike | undefined, options: ServerCanaryOptions): ServerCanary {
  options ??= { config: undefined };
  const result = check(options.config);
  const config: CanaryConfig | null = result.ok ? result.config : null;
  const own = typeof options.userId === 'string' && options.userId ? options.userId : undefined;
  const cookie = own ? undefined : uidFromCookie(headerOf(request, 'cookie', '; '));
  const userId = own ?? cookie ?? crypto.randomUUID();
  const now = typeof options.now === 'number' ? options.now : Date.now();
  const { attributes } = options;
  const userIdSource = own ? 'option' : cookie ? 'cookie' : 'generated';
  const decideOne = (feature: string) => decide(config, feature, { userId, userIdSource, attributes, now });
  const choose = (feature: string) => decideOne(feature).variant;
  const bootstrap: Bootstrap | undefined = config ? { config, userId, userIdSource, serverDate: now, ...(attributes && { attributes }) } : undefined;
  return {
    userId,
    setCookie: own || cookie ? undefined : uidCookie(userId, options.secure ?? isHttps(request)),
    errors: result.ok ? undefined : result.errors,
    decide: decideOne,
    variant: choose,
    isCanary: (feature) => choose(feature) === 'canary',
    flag: <T extends FlagValue>(name: string, defaultValue: T): Widen<T> => {
      const value = flagValue(config, undefined, name, choose);
      return (typeof value === typeof defaultValue ? value : defaultValue) as Widen<T>;
    },
    flags: () => allFlags(config, undefined, choose),
    variants: () => Object.fromEntries(Object.keys(config?.features ?? {}).map((f) => [f, choose(f)])),
    bootstrap,
    bootstrapJson: () => JSON.stringify(bootstrap ?? null).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  };
}
