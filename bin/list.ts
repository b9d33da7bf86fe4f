// `connect-conformance list`: the requirement catalogue (spec/requirements.yaml) as the suite checks it: ID, level,
// area and title (bounds filled from the schema). The IDs are what --only, --baseline and the reports name.
import { specOf } from '../spec/index.ts';
import { DEFAULT_OPERATION, operationFlag } from './operation.ts';
import { LEVELS, type Level, type Spec } from '../spec/types.ts';
import { parseFlags, UsageError } from './usage.ts';

export const LIST_HELP = `Usage: connect-conformance list [--operation NAME] [--only ID,...] [--level LEVEL] [--area AREA] [--json]

Prints the requirement catalogue of an operation: one line per requirement with its ID, level (MUST, SHOULD,
OBSERVE), area and title. The IDs are what run --only, --baseline files and the reports name.
  --operation NAME  the operation whose requirements are listed (default ${DEFAULT_OPERATION})
  --only ID,...     only these requirements (any case; a prefix such as IN- or ex-unknown selects every ID it starts)
  --level LEVEL     only this level: MUST, SHOULD or OBSERVE
  --area AREA       only this area
  --json            a JSON array of { id, level, area, title, text, source } instead of the table
Exit 0, or 2 for a usage error.`;

/**
 * The requirement IDs a comma-separated selection names (--only): any case; an exact ID selects itself, anything else
 * every ID it starts (IN-, ex-unknown). Unknown words are one usage error naming them all.
 */
export function selectRequirements(spec: Spec, selection: string): string[] {
  const ids = spec.requirements.map((r) => r.id);
  const words = selection
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const selected = new Set<string>();
  const unknown: string[] = [];
  for (const word of words) {
    const wanted = word.toUpperCase().replace(/\*$/, '');
    const exact = ids.find((id) => id === wanted);
    const matched = exact ? [exact] : wanted ? ids.filter((id) => id.startsWith(wanted)) : [];
    if (!matched.length) unknown.push(word);
    for (const id of matched) selected.add(id);
  }
  if (unknown.length)
    throw new UsageError(
      `--only names unknown requirement(s) ${unknown.join(', ')} (connect-conformance list shows the IDs; a prefix such as IN- selects a group)`,
    );
  return ids.filter((id) => selected.has(id));
}

export async function list(args: string[]): Promise<number> {
  const flags = {
    operation: { type: 'string' },
    only: { type: 'string' },
    level: { type: 'string' },
    area: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values } = parseFlags('list', args, flags);
  if (values.help) {
    console.log(LIST_HELP);
    return 0;
  }
  const binding = operationFlag(values.operation);
  const spec = await specOf(binding);
  const level = values.level?.toUpperCase();
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--level must be one of ${LEVELS.join(', ')} (got ${values.level})`);
  const areas = [...new Set(spec.requirements.map((r) => r.area))];
  const area = values.area === undefined ? undefined : areas.find((a) => a.toLowerCase() === values.area!.toLowerCase());
  if (values.area !== undefined && !area) throw new UsageError(`--area must be one of ${areas.join(', ')} (got ${values.area})`);
  const only = values.only === undefined ? undefined : new Set(selectRequirements(spec, values.only));
  const rows = spec.requirements.filter(
    (r) => (!only || only.has(r.id)) && (!level || r.level === (level as Level)) && (!area || r.area === area),
  );
  if (values.json) {
    console.log(
      JSON.stringify(
        rows.map((r) => ({ id: r.id, level: r.level, area: r.area, title: r.title, text: r.text, source: r.source })),
        null,
        1,
      ),
    );
    return 0;
  }
  const idWidth = Math.max(2, ...rows.map((r) => r.id.length));
  const areaWidth = Math.max(4, ...rows.map((r) => r.area.length));
  console.log(`${'ID'.padEnd(idWidth)}  LEVEL    ${'AREA'.padEnd(areaWidth)}  TITLE`);
  for (const r of rows) console.log(`${r.id.padEnd(idWidth)}  ${r.level.padEnd(7)}  ${r.area.padEnd(areaWidth)}  ${r.title}`);
  const count = (l: Level) => rows.filter((r) => r.level === l).length;
  console.log(`\n${binding.name}: ${rows.length} requirement(s): ${LEVELS.map((l) => `${count(l)} ${l}`).join(', ')}`);
  return 0;
}
