// The connect-conformance command: one line per user error and exit 2, never a stack trace for bad input.
import { SpecError } from '../spec/index.ts';
import { CassetteError, JournalError } from '../targets/aws/index.ts';
import { TargetConfigError, TargetUnreachable } from '../targets/index.ts';
import { FixturesError } from '../targets/reference/index.ts';
import { cleanup, CLEANUP_HELP } from './cleanup.ts';
import { compare, COMPARE_HELP } from './compare.ts';
import { replay, REPLAY_HELP } from './replay.ts';
import { report, REPORT_HELP } from './report.ts';
import { strength, STRENGTH_HELP } from './strength.ts';
import { run, RUN_HELP } from './run.ts';
import { serve, SERVE_HELP } from './serve.ts';
import { UsageError } from './usage.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: connect-conformance <command> [flags]

Commands:
  run      run the conformance suites against a target (default: the embedded reference)
  replay   re-run one failing case of a report against any target
  report   render index.html and junit.xml again from a results.json
  compare  put several runs side by side, or join the shards of one run (--merge)
  serve    run the reference implementation as an HTTP server on 127.0.0.1
  strength run the suites against every variant of the reference and score what they catch
  cleanup  restore and delete what a run against a real account (--target aws) left undone

connect-conformance <command> --help tells more.

${RUN_HELP}

${REPLAY_HELP}

${REPORT_HELP}

${COMPARE_HELP}

${SERVE_HELP}

${CLEANUP_HELP}

${STRENGTH_HELP}`;

const commands: Record<string, (args: string[]) => Promise<number | void>> = { run, replay, report, compare, serve, cleanup, strength };

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const handler = commands[command];
  if (!handler) throw new UsageError(`connect-conformance: unknown command ${command} (commands: ${Object.keys(commands).join(', ')})`);
  return (await handler(args)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if ([UsageError, SpecError, FixturesError, TargetConfigError, TargetUnreachable, CassetteError, JournalError].some((kind) => e instanceof kind)) {
      console.error((e as Error).message);
      process.exitCode = 2;
      return;
    }
    console.error(e);
    process.exitCode = 1;
  },
);
