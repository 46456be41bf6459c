import type { OutputChunk } from 'rollup';
export interface SizedChunk {
  chunk: OutputChunk;
  gzip: number;
}
export function bundleFromNpm(source: string, options?: { also?: string[] }): Promise<SizedChunk[]>;
export function splitFromNpm(source: string, options?: { also?: string[] }): Promise<{ main: SizedChunk[]; lazy: SizedChunk[]; gzip: number }>;
