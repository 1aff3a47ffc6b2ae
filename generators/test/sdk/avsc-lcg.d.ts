/**
 * The one piece of avsc's internals sample-values.ts uses: `Lcg`, the generator behind every
 * `Type.random()` (a single module-level instance seeded from Math.random, with no way to reseed
 * it). Every draw of it goes through `nextFloat` or `nextBoolean`.
 */
declare module 'avsc/lib/utils' {
  export class Lcg {
    nextFloat(start?: number, end?: number): number;
    nextBoolean(): boolean;
  }
}
