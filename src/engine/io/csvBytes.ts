/** The bytes the CSV readers look for (csvFast.ts, csvParallel.ts, csvNumbers.ts). */
export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const QUOTE = 0x22;
