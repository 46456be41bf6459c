import { main } from './main';

// The exit code is set, not forced, so that output is flushed first.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
