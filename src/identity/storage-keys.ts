// Everything the SDK keeps on a device, by name: one place to look (and for the demo to read).

/** localStorage: the sticky user id. */
export const UID_KEY = 'client-canary:uid';
/** The first-party cookie mirroring the user id, for servers and edges. */
export const UID_COOKIE = 'client_canary_uid';
/** localStorage: the guard's failure counts per feature and revision. */
export const GUARD_KEY = 'client-canary:guard';
/** sessionStorage: this tab's QA overrides. */
export const OVERRIDES_KEY = 'client-canary:overrides';
/** localStorage: set once a tab of this origin stored overrides; until then no page reads sessionStorage. */
export const OVERRIDES_USED_KEY = 'client-canary:overrides-used';
/** localStorage: the last good config of one config URL. */
export const cacheKey = (configUrl: string): string => `client-canary:config:${configUrl}`;
