// A rollup plugin for the script-tag bundle, which carries its own copy of zod into pages we do
// not control. zod's `for (const key in object)` loops also visit enumerable keys that a page put
// on Object.prototype or Array.prototype: zod/mini 4.6 then throws while building our schema
// (util.js `members()` reads the descriptor of an inherited key) and a strict object reports the
// inherited key as unknown. The npm builds keep zod external: they use the app's own zod.

// `for (const key in object) {` where object is an identifier or a dotted path, so that it can be
// read again in the guard. The loops that compile.js writes as text (`for (const k in ${accessor})`)
// do not match: zod/mini never compiles a parser, and the bundle holds no `Function` (build test).
const FOR_IN = /for \(const ([A-Za-z_$][\w$]*) in ([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\) \{/g;

const ZOD = /[\\/]node_modules[\\/]zod[\\/]/;

/**
 * Adds `if (!Object.prototype.hasOwnProperty.call(object, key)) continue;` to every matching
 * `for…in` loop of zod's modules. Fails the build when it rewrote none: zod changed shape, and the
 * protection must not vanish without anyone noticing.
 *
 * @returns a rollup plugin; use it in the build whose output bundles zod.
 */
export function ownKeysOnly() {
  let sites = 0;
  return {
    name: 'own-keys-only',
    buildStart() {
      sites = 0;
    },
    transform(code, id) {
      if (!ZOD.test(id)) return null;
      const rewritten = code.replace(FOR_IN, (loop, key, object) => {
        sites++;
        return `${loop} if (!Object.prototype.hasOwnProperty.call(${object}, ${key})) continue;`;
      });
      // The guard goes at the end of the loop's own line, so every line keeps its number and the
      // sourcemap of the untouched text (null: rollup keeps the chain) stays true.
      return rewritten === code ? null : { code: rewritten, map: null };
    },
    buildEnd(error) {
      if (!error && sites === 0) this.error('own-keys-only: no `for (const key in object) {` loop found in zod; its sources changed, so the script-tag bundle would lose its guard against polluted prototypes');
    },
  };
}
