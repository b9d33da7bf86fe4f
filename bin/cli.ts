// The connect-conformance command: one line per user error and exit 2, never a stack trace for bad input.
// Commands are loaded when they are called, so that --help and --version answer without loading the SDK, the spec
// or the engine.
import { isUserError } from '../core/errors.ts';
import { flagNaming } from '../engine/options.ts';
import { resolvedVersion, suitePackage, toolInfo } from '../engine/tool-info.ts';
import { didYouMean, fsReason, UsageError } from './usage.ts';
import { DEFAULT_OPERATION, OPERATION_NAMES } from './operation.ts';

interface Command {
  summary: string;
  load(): Promise<{ handler: (args: string[]) => Promise<number | void>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'run the conformance suites against a target (default: the embedded reference)',
    load: async () => {
      const m = await import('./run.ts');
      return { handler: m.run, help: m.RUN_HELP };
    },
  },
  list: {
    summary: 'print the requirement catalogue: ID, level, area and title of every requirement',
    load: async () => {
      const m = await import('./list.ts');
      return { handler: m.list, help: m.LIST_HELP };
    },
  },
  replay: {
    summary: 're-run one failing case of a report against any target',
    load: async () => {
      const m = await import('./replay.ts');
      return { handler: m.replay, help: m.REPLAY_HELP };
    },
  },
  report: {
    summary: 'render index.html and junit.xml again from a results.json',
    load: async () => {
      const m = await import('./report.ts');
      return { handler: m.report, help: m.REPORT_HELP };
    },
  },
  compare: {
    summary: 'put several runs side by side, or join the shards of one run (--merge)',
    load: async () => {
      const m = await import('./compare.ts');
      return { handler: m.compare, help: m.COMPARE_HELP };
    },
  },
  serve: {
    summary: 'run the reference implementation as an HTTP server on 127.0.0.1',
    load: async () => {
      const m = await import('./serve.ts');
      return { handler: m.serve, help: m.SERVE_HELP };
    },
  },
  spec: {
    summary: 'export the spec as self-contained OpenAPI 3.1 documents for other tools',
    load: async () => {
      const m = await import('./spec-command.ts');
      return { handler: m.specCommand, help: m.SPEC_HELP };
    },
  },
  strength: {
    summary: 'run the suites against every variant of the reference and score what they catch',
    load: async () => {
      const m = await import('./strength.ts');
      return { handler: m.strength, help: m.STRENGTH_HELP };
    },
  },
  cleanup: {
    summary: 'restore and delete what a run against a real account (--target aws) left undone',
    load: async () => {
      const m = await import('./cleanup.ts');
      return { handler: m.cleanup, help: m.CLEANUP_HELP };
    },
  },
};

const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));

export const HELP = `Usage: connect-conformance <command> [flags]

A conformance test suite for Amazon Connect operations: ${OPERATION_NAMES} (--operation; default ${DEFAULT_OPERATION}).

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Flags:
  -h, --help       this help; connect-conformance <command> --help tells about a command
  -V, --version    the version of connect-conformance, of the AWS SDK it drives, and of Node

Examples:
  npx connect-conformance run                                  # the suite against the embedded reference
  npx connect-conformance run --target module --module ./my-mock.ts --instance-id ID --user-id ID
  npx connect-conformance list --only IN-                      # the requirements of one area
Exit codes: 0 conformant / done, 1 not conformant, 2 a usage or configuration error (one line says what to fix).`;

/** One line, as the AWS CLI prints its own: tool/version and what it runs on. */
export function versionLine(): string {
  const { name, version } = suitePackage();
  const { commit } = toolInfo();
  const sdk = resolvedVersion('@aws-sdk/client-connect');
  return [
    `${name}/${version}`,
    commit ? `commit/${commit}` : undefined,
    sdk ? `aws-sdk-client-connect/${sdk}` : undefined,
    `node/${process.version}`,
    `${process.platform}/${process.arch}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** -h/--help anywhere among a command's flags (before a `--`). */
const asksHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
};

/**
 * The AWS SDK prints a 9-line warning on Node 20 (its versions published after January 2027 will need Node 22) on
 * every run. The SDK this package drives is pinned, so the warning is about a future the package's own `engines` will
 * announce: the command silences it (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true) unless the variable is
 * set (=false shows it), and always with --quiet.
 */
export function silenceSdkNodeWarning(args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const variable = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const end = args.indexOf('--');
  if (env[variable] === undefined || (end < 0 ? args : args.slice(0, end)).includes('--quiet')) env[variable] = 'true';
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  silenceSdkNodeWarning(args);
  if (!command || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    if (args.length) throw new UsageError(`connect-conformance ${command}: unexpected argument ${args[0]}`);
    console.log(versionLine());
    return 0;
  }
  if (command === 'help') {
    if (!args.length) {
      console.log(HELP);
      return 0;
    }
    const about = COMMANDS[args[0]!];
    if (!about || args.length > 1)
      throw new UsageError(`connect-conformance help: unknown command ${args.join(' ')} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    console.log((await about.load()).help);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    const hint = command.startsWith('-') ? 'flags go after a command' : 'commands';
    const near = command.startsWith('-') ? undefined : didYouMean(command, Object.keys(COMMANDS));
    throw new UsageError(
      `connect-conformance: unknown command ${command}${near ? `; did you mean ${near}?` : ''} (${hint}: ${Object.keys(COMMANDS).join(', ')}; see --help)`,
    );
  }
  const loaded = await entry.load();
  if (asksHelp(args)) {
    console.log(loaded.help);
    return 0;
  }
  return (await loaded.handler(args)) ?? 0;
}

/** File-system errors about a path the user named (a report folder, an output file): one line, exit 2. */
const USER_FS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EISDIR', 'EEXIST']);

export function exitCodeOf(e: unknown, print: (line: string) => void = (line) => console.error(line)): number {
  if (isUserError(e)) {
    // The library names its settings as options (fixtures.userId); the command names them as its flags (--user-id).
    print(e.messageFor(flagNaming).split('\n')[0]!);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string' && typeof err.path === 'string' && USER_FS_ERRORS.has(err.code)) {
    print(
      `connect-conformance: cannot ${err.syscall === 'open' || err.syscall === 'mkdir' || err.syscall === 'rename' ? 'write' : (err.syscall ?? 'use')} ${err.path} (${fsReason(err)})`,
    );
    return 2;
  }
  console.error(e);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = exitCodeOf(e);
  },
);
