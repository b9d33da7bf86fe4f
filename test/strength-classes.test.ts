// The strength report lists the kinds of valid value the boundary phase sends to each member (issue 20): computed from
// the generators (bin/strength.ts classesCovered), rendered beside the score (reports/html.ts classesSection).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classesCovered } from '../bin/strength.ts';
import type { Results } from '../engine/results.ts';
import { renderHtml } from '../reports/html.ts';
import { defaultSpec } from '../spec/index.ts';

const spec = await defaultSpec();
const passing = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'results', 'module-passing.json'), 'utf8')) as Results;

describe('the kinds of valid value in the strength report', () => {
  it('are listed per member and identity management type, from the generators; a forbidden member gets none', async () => {
    const covered = await classesCovered();
    expect(covered.classes.map((c) => c.name)).toEqual(spec.valueClasses.classes.map((c) => c.name));
    expect(covered.identityManagementTypes).toEqual(spec.identityManagementTypes);
    expect(covered.members.map((m) => m.member)).toEqual(spec.members.map((m) => m.name));
    const row = (member: string) => covered.members.find((m) => m.member === member)!.byType;
    expect(row('FirstName').EXISTING_DIRECTORY).toBeUndefined();
    expect(row('Email').SAML).toBeUndefined();
    expect(row('FirstName').CONNECT_MANAGED).toEqual(spec.valueClasses.classes.map((c) => c.name));
    expect(row('Mobile').SAML).toEqual(['digits']);
    expect(row('SecondaryEmail').EXISTING_DIRECTORY).toContain('plus-addressing');
    expect(row('SecondaryEmail').EXISTING_DIRECTORY).not.toContain('apostrophe');
  });

  it('are shown in the HTML report beside the score: counts, names, what a member refuses, forbidden members', async () => {
    const classes = await classesCovered();
    const html = renderHtml(passing, { strength: { caught: 1, total: 1, variants: [], classes } });
    const total = spec.valueClasses.classes.length;
    expect(html).toContain('Kinds of valid value sent to each member');
    expect(html).toMatch(new RegExp(`<tr><td><code>FirstName</code></td><td><b>${total}</b> of ${total}: digits, apostrophe`));
    expect(html).toMatch(
      /<tr><td><code>Mobile<\/code><\/td><td><b>1<\/b> of \d+: digits<br><span class="muted">not sent \(its constraints refuse them\): apostrophe/,
    );
    // Columns in the spec's order of types (SAML, CONNECT_MANAGED, EXISTING_DIRECTORY): Email only on CONNECT_MANAGED.
    const column = (t: string) => spec.identityManagementTypes.indexOf(t);
    expect([column('SAML'), column('CONNECT_MANAGED'), column('EXISTING_DIRECTORY')]).toEqual([0, 1, 2]);
    expect(html).toMatch(
      /<tr><td><code>Email<\/code><\/td><td class="muted">forbidden<\/td><td><b>\d+<\/b>[\s\S]*?<\/td><td class="muted">forbidden<\/td><\/tr>/,
    );
    expect(renderHtml(passing, { strength: { caught: 1, total: 1, variants: [] } })).not.toContain('Kinds of valid value');
  });
});
