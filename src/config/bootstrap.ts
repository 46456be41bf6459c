import { hasConfigShape, type CachedConfig } from './cache';
import type { Attributes } from '../decide/decide';
import type { CanaryConfig } from './schema';

/**
 * A config rendered into the page by a server (`client-canary/server`'s `bootstrap`): used at
 * once, with no request, and checked by the validator once it has loaded.
 */
export interface Bootstrap {
  config: CanaryConfig;
  /** The id the server decided by: the page decides by it too. */
  userId?: string;
  /**
   * `option` when it is the app's own id (a signed-in user): used for this page only. Otherwise
   * it is the `client_canary_uid` cookie the server read or set, and the device keeps it.
   */
  userIdSource?: 'option' | 'cookie' | 'generated';
  /** The server's clock when it decided (epoch ms): ramps step at the same moment on both sides. */
  serverDate?: number;
  /** The attributes the server decided with; the `attributes` option wins. */
  attributes?: Attributes;
}

/** A bootstrap as the page uses it. */
export interface ReadBootstrap {
  entry: CachedConfig;
  userId: string | undefined;
  /** True when `userId` is the app's own id, not the device's. */
  own: boolean;
  attributes: Attributes | undefined;
}

/**
 * The bootstrap as the page uses it; a bare config is taken as `{ config }`. Undefined when it is
 * not of a config's shape, or reading it throws (a hostile getter or proxy).
 */
export function readBootstrap(value: unknown, now: number): ReadBootstrap | undefined {
  try {
    return read(value, now);
  } catch {
    return undefined;
  }
}

function read(value: unknown, now: number): ReadBootstrap | undefined {
  const given = (value && typeof value === 'object' && 'features' in value ? { config: value } : value) as Partial<Record<keyof Bootstrap, unknown>> | undefined;
  if (!given || typeof given !== 'object' || !hasConfigShape(given.config)) return undefined;
  const serverDate = typeof given.serverDate === 'number' && Number.isFinite(given.serverDate) ? given.serverDate : undefined;
  const attributes = given.attributes && typeof given.attributes === 'object' ? (given.attributes as Attributes) : undefined;
  const userId = typeof given.userId === 'string' && given.userId ? given.userId : undefined;
  return { entry: { config: given.config, fetchedAt: now, serverDate }, userId, own: given.userIdSource === 'option', attributes };
}
