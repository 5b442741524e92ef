// Entry point of the `duhdr` command (bin/duhdr.js loads the compiled copy of this file).
import { main } from './main.js';

await main();
