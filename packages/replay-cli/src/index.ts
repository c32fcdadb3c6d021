/** `@douyin-live/replay-cli`: the `douyin-live` command, usable as a library for tests and scripts. */
export { runCli } from './cli.js';
export { processContext, type CliContext } from './context.js';
export { decodeInput, readInput, type DecodeArgs, type DecodeLayer, type DecodeResult } from './commands/decode.js';
export { formatMessage, messageForJson, palette, type Palette } from './format/pretty.js';
export { toJsonLine } from './format/json.js';
