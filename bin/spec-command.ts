// `connect-conformance spec --export DIR`: writes the spec as self-contained OpenAPI 3.1 documents, one per identity
// management type, for general-purpose OpenAPI tools (spec/export/). Generated from spec/ on every call.
import { relative } from 'node:path';
import { defaultSpec } from '../spec/index.ts';
import { writeExport } from '../spec/export/write.ts';
import { parseFlags, UsageError } from './usage.ts';

export const SPEC_HELP = `Usage: connect-conformance spec --export DIR [--identity-management TYPE]

Writes the spec (spec/connect.openapi.yaml and spec/requirements.yaml) as self-contained OpenAPI 3.1 documents for
general-purpose tools (Schemathesis, Prism, Portman, Dredd, response validators), one per identity management type:
DIR/connect.TYPE.openapi.yaml. Every rule JSON Schema can carry is in the schemas; what it cannot is in x- extensions
and listed in each document's info.description. Each document is validated as OpenAPI 3.1 before it is written.
  --export DIR                  the folder to write to (created if needed)
  --identity-management TYPE    only this type (CONNECT_MANAGED, SAML or EXISTING_DIRECTORY); default: every type
Exit 0 when the documents were written, 2 for a usage error.`;

export async function specCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('spec', args, {
    export: { type: 'string' },
    'identity-management': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(SPEC_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`connect-conformance spec: unexpected argument ${positionals[0]} (see --help)`);
  if (values.export === undefined) throw new UsageError('connect-conformance spec: --export DIR is required (see --help)');
  if (!values.export) throw new UsageError('connect-conformance spec: --export needs a folder (see --help)');
  const spec = await defaultSpec();
  const type = values['identity-management'];
  if (type !== undefined && !spec.identityManagementTypes.includes(type)) {
    throw new UsageError(`--identity-management must be one of ${spec.identityManagementTypes.join(', ')} (got ${type})`);
  }
  const written = await writeExport(spec, values.export, type === undefined ? undefined : [type]);
  for (const w of written) {
    const shown = relative(process.cwd(), w.file);
    console.log(`connect-conformance spec: wrote ${shown.startsWith('..') ? w.file : shown} (${w.identityManagementType})`);
  }
  return 0;
}
