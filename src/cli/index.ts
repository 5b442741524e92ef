/** src/cli: the duhdr command, a thin layer over the library. */
export { buildProgram, main } from './main.js';
export { formatProbe } from './format-probe.js';
