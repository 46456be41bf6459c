import type { Change } from './edit';

/** The longest revision the config's schema takes (`revision` is text(256)). */
export const MAX_REVISION_LENGTH = 256;

/**
 * The revision after `before`, never equal to it and never longer than the schema allows:
 * `YYYY-MM-DD.N`, N counting up within a day; another style of revision gets its trailing number
 * counted up with its width kept (`v7` → `v8`, `v009` → `v010`, in exact integers past 2^53), or
 * `.1` appended. A result too long loses the end of its stem, so the count still moves.
 *
 * @example
 * nextRevision('2026-11-26.3', new Date('2026-11-26T12:00:00Z')) // '2026-11-26.4'
 * nextRevision('v9007199254740992', new Date()) // 'v9007199254740993'
 */
export function nextRevision(before: unknown, now: Date): string {
  const today = now.toISOString().slice(0, 10);
  if (typeof before !== 'string' || !before) return `${today}.1`;
  const dated = /^(\d{4}-\d\d-\d\d)\.(\d+)$/.exec(before);
  if (dated && dated[1] !== today) return `${today}.1`;
  const numbered = /^(.*?)(\d+)$/.exec(before);
  if (numbered) return fit(numbered[1]!, increment(numbered[2]!));
  return fit(before, '.1');
}

/**
 * `bumpRevision`: sets the document's `revision` to the next one and says so. A missing key is
 * added right after `version`, where people look for it, not at the end.
 */
export function bumpRevision(doc: Record<string, unknown>, now: Date): Change {
  const before = doc.revision;
  const after = nextRevision(before, now);
  if ('revision' in doc) doc.revision = after;
  else {
    const entries = Object.entries(doc);
    for (const [key] of entries) delete doc[key];
    for (const [key, value] of entries) {
      doc[key] = value;
      if (key === 'version') doc.revision = after;
    }
    doc.revision = after;
  }
  return { path: 'revision', before, after };
}

/** Decimal digits plus one, as text: exact at any length, leading zeros kept (`0099` → `0100`). */
function increment(digits: string): string {
  const next = (BigInt(digits) + 1n).toString();
  return next.padStart(digits.length, '0');
}

/**
 * `stem + suffix`, cut from the end of the stem to fit the schema. The suffix is what changed,
 * so it is kept whole; a stem is never cut inside a surrogate pair.
 */
function fit(stem: string, suffix: string): string {
  const room = MAX_REVISION_LENGTH - suffix.length;
  if (stem.length <= room) return stem + suffix;
  let cut = stem.slice(0, Math.max(room, 0));
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return (cut + suffix).slice(-MAX_REVISION_LENGTH);
}
