import { hasConfigShape, type CachedConfig } from './cache';
import type { Attributes } from '../decide/decide';
import type { CanaryConfig } from './schema';

/**
 * A config rendered into the page by a server (`client-canary/server`'s `bootstrap`): used at
 * once, with no request, and checked by the validator once it has loaded.
 */
export interface Bootstrap {
  config: CanaryConfig;
  /** The id the server decided by (the `client_canary_uid` cookie it read or set): the page decides by it too. */
  userId?: string;
  /** The server's clock when it decided (epoch ms): ramps step at the same moment on both sides. */
  serverDate?: number;
  /** The attributes the server decided with; the `attributes` option wins. */
  attributes?: Attributes;
}

/** A bootstrap as the page uses it. */
export interface ReadBootstrap {
  entry: CachedConfig;
  userId: string | undefined;
  attributes: Attributes | undefined;
}

/** The bootstrap as the page uses it; a bare config is taken as `{ config }`. Undefined when it is not of a config's shape. */
export function readBootstrap(value: unknown, now: number): ReadBootstrap | undefined {
  const given = (value && typeof value === 'object' && 'features' in value ? { config: value } : value) as Partial<Record<keyof Bootstrap, unknown>> | undefined;
  if (!given || typeof given !== 'object' || !hasConfigShape(given.config)) return undefined;
  const serverDate = typeof given.serverDate === 'number' && Number.isFinite(given.serverDate) ? given.serverDate : undefined;
  const attributes = given.attributes && typeof given.attributes === 'object' ? (given.attributes as Attributes) : undefined;
  return { entry: { config: given.config, fetchedAt: now, serverDate }, userId: typeof given.userId === 'string' ? given.userId : undefined, attributes };
}
