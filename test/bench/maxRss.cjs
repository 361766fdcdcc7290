// Preloaded (--require) into a bench child: at exit, print the process's peak resident set size (threads included).
process.on('exit', () => {
  try {
    require('node:fs').writeSync(2, `\nKRYPTONITE_MAX_RSS_KB ${process.resourceUsage().maxRSS}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});
