import type { OutputChunk } from 'rollup';
export interface SizedChunk {
  chunk: OutputChunk;
  gzip: number;
}
export function bundleFromNpm(source: string): Promise<SizedChunk[]>;
export function splitFromNpm(source: string): Promise<{ main: SizedChunk[]; lazy: SizedChunk[]; gzip: number }>;
