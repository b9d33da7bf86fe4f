// The reports rendered from results.json: the HTML report (every requirement, the score, escaping, redaction),
// JUnit XML (well-formed, one testcase per requirement, failures and skips right), baselines and the CI gate,
// the comparison of runs and the merge of shards, and the `report` and `compare` commands. The results used are
// two real runs against the module target (examples/results/): one conformant, one with BROKEN=unknown-user-400.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compare } from '../bin/compare.ts';
import { report } from '../bin/report.ts';
import { UsageError } from '../bin/usage.ts';
import { applyBaseline, baselineFrom, parseBaseline, readBaseline, updateBaselineFile, type Baseline } from '../reports/baseline.ts';
import { compareRuns, renderCompare } from '../reports/compare.ts';
import { renderHtml } from '../reports/html.ts';
import { strengthOk, strengthVerdict, type StrengthVariant } from '../reports/strength.ts';
import { renderJunit } from '../reports/junit.ts';
import { mergeResults, parseShard, shardSkipReason, inShard } from '../reports/merge.ts';
import type { RequirementResult, ResultFailure, Results } from '../engine/results.ts';
import { redactText } from '../reports/sanitize.ts';
import { summarize } from '../engine/summary.ts';
import type { FlowStats } from '../engine/flow-control.ts';
import { judged } from '../reports/verdict.ts';
import { writeReports } from '../reports/write.ts';
import { parseDocument } from 'yaml';

const EXAMPLES = join(import.meta.dirname, '..', 'examples', 'results');
const load = (name: string): Results => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Results;
const failing = () => load('module-failing.json');
const passing = () => load('module-passing.json');
const FAILING_IDS = ['EX-UNKNOWN-INSTANCE', 'EX-UNKNOWN-USER', 'EX-FOREIGN-USER', 'ERR-STATUS-MATCHES-TYPE'];
const tmp = () => mkdtempSync(join(tmpdir(), 'cc-reports-'));
const req = (r: Results, id: string): RequirementResult => r.requirements.find((q) => q.id === id)!;
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** What flow control did in a run that was never throttled. */
const FLOW: FlowStats = {
  throttled: 0,
  throttledBySteps: {},
  waitedMs: 0,
  rate: null,
  unanswered: 0,
  stoppedOperations: [],
  probes: { sent: 0, answered: 0 },
};

// ---- a tiny XML parser: enough to prove junit.xml well-formed and to count its elements without regexes ----
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}
const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') throw new Error(`"<" in text or attribute at ${i}`);
    if (s[i] !== '&') {
      out += s[i];
      continue;
    }
    const end = s.indexOf(';', i);
    if (end < 0) throw new Error(`unterminated entity at ${i}`);
    const name = s.slice(i + 1, end);
    if (name.startsWith('#x')) out += String.fromCodePoint(parseInt(name.slice(2), 16));
    else if (name.startsWith('#')) out += String.fromCodePoint(parseInt(name.slice(1), 10));
    else if (name in ENTITY) out += ENTITY[name];
    else throw new Error(`unknown entity &${name};`);
    i = end;
  }
  return out;
}
function parseXml(xml: string): El {
  let i = 0;
  const stack: El[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  const isName = (c: string | undefined) =>
    c !== undefined && c !== ' ' && c !== '\n' && c !== '\t' && c !== '\r' && c !== '/' && c !== '>' && c !== '=';
  for (const c of xml) {
    const code = c.codePointAt(0)!;
    if ((code < 0x20 && c !== '\n' && c !== '\r' && c !== '\t') || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff))
      throw new Error(`character U+${code.toString(16)} is not allowed in XML`);
  }
  while (i < xml.length) {
    const top = stack.at(-1)!;
    if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
    else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
    else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) throw new Error('unterminated CDATA');
      top.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      i = end + 1;
    } else if (xml[i] === '<') {
      i++;
      let name = '';
      while (isName(xml[i])) name += xml[i++];
      const el: El = { name, attrs: {}, children: [], text: '' };
      for (;;) {
        while (xml[i] === ' ' || xml[i] === '\n' || xml[i] === '\t' || xml[i] === '\r') i++;
        if (xml.startsWith('/>', i)) {
          i += 2;
          top.children.push(el);
          break;
        }
        if (xml[i] === '>') {
          i++;
          top.children.push(el);
          stack.push(el);
          break;
        }
        let attr = '';
        while (isName(xml[i])) attr += xml[i++];
        if (!attr || xml[i] !== '=') throw new Error(`bad attribute in <${name}> at ${i}`);
        const quote = xml[i + 1];
        if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attr}`);
        const end = xml.indexOf(quote, i + 2);
        if (attr in el.attrs) throw new Error(`attribute ${attr} twice`);
        el.attrs[attr] = decode(xml.slice(i + 2, end));
        i = end + 1;
      }
    } else {
      const end = xml.indexOf('<', i);
      const stop = end < 0 ? xml.length : end;
      const raw = xml.slice(i, stop);
      if (raw.includes(']]>')) throw new Error('"]]>" in text');
      top.text += decode(raw);
      i = stop;
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (stack[0]!.children.length !== 1) throw new Error('not exactly one root element');
  return stack[0]!.children[0]!;
}
const all = (el: El, name: string): El[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
const child = (el: El, name: string) => el.children.find((c) => c.name === name);
const testcases = (xml: string) => new Map(all(parseXml(xml), 'testcase').map((t) => [t.attrs.name!.split(' ')[0]!, t]));

describe('the XML checker of these tests', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a><![CDATA[x]]>y]]></a>')).toThrow();
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
    expect(all(parseXml('<?xml version="1.0"?><r><t n="&lt;"/><t><![CDATA[]]]]><![CDATA[>]]></t></r>'), 't')).toHaveLength(2);
  });
});

describe('HTML report', () => {
  it('has one row per requirement, the verdict, the score and the run facts', () => {
    const r = failing();
    const html = renderHtml(r);
    expect(count(html, 'data-requirement-id="')).toBe(r.requirements.length);
    for (const q of r.requirements) expect(count(html, `data-requirement-id="${q.id}"`), q.id).toBe(1);
    expect(html).toContain('id="matrix"');
    expect(html).toContain('NOT CONFORMANT');
    const { must } = r.summary;
    expect(html).toContain(`${((100 * must.passed) / (must.passed + must.failed)).toFixed(1)}%`);
    expect(html).toContain(`MUST ${must.passed}/${must.passed + must.failed} passed`);
    expect(html).toContain(`botocore ${r.spec.model.botocore}`);
    expect(html).toContain(r.tool.sdk);
    expect(html).toContain(r.tool.commit!);
    expect(html).toContain(`<code>${r.seed}</code>`);
    expect(html).toContain(r.startedAt);
    expect(html).toContain(r.target.identityManagementTypes[0]!);
    for (const id of FAILING_IDS) expect(html).toMatch(new RegExp(`data-requirement-id="${id}" data-status="fail"`));
    expect(renderHtml(passing())).toContain('>CONFORMANT<');
  });

  it('shows each failure with its evidence and replay command, OBSERVE notes, skip reasons and fixture notes', () => {
    const r = failing();
    const html = renderHtml(r);
    for (const id of FAILING_IDS) {
      for (const f of req(r, id).failures) {
        expect(html).toContain(`<code>${f.replay.replace(/'/g, '&#39;')}</code>`);
        expect(html).toContain(f.expected.summary);
      }
    }
    const f = req(r, 'EX-UNKNOWN-USER').failures[0]!;
    expect(html).toContain(`${f.request!.method} ${f.request!.path}`);
    expect(html).toContain(`HTTP ${f.response!.status}`);
    expect(html).toContain('x-amzn-errortype: ResourceNotFoundException');
    const observed = r.requirements.find((q) => q.level === 'OBSERVE' && q.observed?.length)!;
    expect(html).toContain(observed.observed![0]);
    const skipped = r.requirements.find((q) => q.status === 'skip')!;
    expect(html).toContain(skipped.reason!.replace(/'/g, '&#39;'));
    const na = r.requirements.find((q) => q.status === 'n/a')!;
    expect(html).toContain(na.reason!);
    expect(html).toContain(r.fixtures.find((x) => x.note)!.note!);
  });

  it('escapes every value: an input with </script><script>alert(1)</script> stays text', () => {
    const r = failing();
    const f = req(r, 'EX-UNKNOWN-USER').failures[0]!;
    const attack = '</script><script>alert(1)</script>';
    f.input = { IdentityInfo: { FirstName: attack, LastName: `"><img src=x onerror=alert(2)>`, Email: "it's \u202e\u0000 ünïcødé 😀" } };
    f.problem = `problem ${attack}`;
    f.response!.body = `{"message":"${attack}"}`;
    f.request!.headers['x-echo'] = `"><svg onload=alert(3)>`;
    req(r, 'IN-BODY-JSON').title = `title <b>"quoted"</b> & ${attack}`;
    req(r, 'IN-BODY-JSON').area = `area"><script>alert(4)</script>`;
    const html = renderHtml(r);
    expect(count(html, '<script')).toBe(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<b>"quoted"');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u202e'); // an invisible direction override is shown, not applied
    expect(html).toContain('\\u0000');
    expect(html).toContain('😀');
    // the only script is allowed by its hash; nothing may be fetched
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;[^"]*script-src &#39;sha256-/);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/<[a-z]+[^>]*\ssrc=/i);
    // a baseline verdict carried in a foreign results.json cannot bring a javascript: link
    const view = applyBaseline(
      r,
      { file: 'b.yaml', entries: [{ id: 'EX-UNKNOWN-USER', reason: 'x', link: 'javascript:alert(5)' }] },
      new Date(),
    );
    expect(renderHtml({ ...r, baseline: view } as Results)).not.toContain('javascript:');
  });

  it('says how the run went: throttled answers with the throttling statuses, per step', () => {
    const r = passing();
    const none = renderHtml({ ...r, execution: { ...r.execution!, flow: { ...FLOW } } });
    expect(none).toMatch(/<dt>Throttled answers<\/dt><dd>none<\/dd>/);
    const flow = { ...FLOW, throttled: 3, throttledBySteps: { 'auth.unsigned': 2, fixtures: 1 }, waitedMs: 1200.4, rate: 4.25 };
    const html = renderHtml({ ...r, execution: { ...r.execution!, flow } });
    expect(html).toContain(
      '<dt>Throttled answers</dt><dd>3 (429 or 503), each backed off and sent again; 1200 ms waited; send rate at the end 4.3 requests/s</dd>',
    );
    expect(html).toContain('Throttled answers per step (2)');
  });

  it('redacts authorization and security-token values and known secrets again, whatever results.json holds', () => {
    const r = failing();
    const f = req(r, 'EX-UNKNOWN-USER').failures[0]!;
    const sig = 'f'.repeat(64);
    f.request!.headers.authorization = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=${sig}`;
    f.request!.headers['X-Amz-Security-Token'] = 'SESSION-TOKEN-abcdefgh12345';
    f.response!.body = '{"echo":"my-secret-value-123","authorization":"Bearer zzzzzzzzzz"}';
    f.request!.path += '?X-Amz-Signature=0123456789abcdef&X-Amz-Security-Token=TOKENTOKEN';
    const html = renderHtml(r, { secrets: ['my-secret-value-123'] });
    const xml = renderJunit(r, { secrets: ['my-secret-value-123'] });
    for (const out of [html, xml]) {
      for (const secret of [
        sig,
        'SESSION-TOKEN-abcdefgh12345',
        'my-secret-value-123',
        'Bearer zzzzzzzzzz',
        'TOKENTOKEN',
        '0123456789abcdef',
      ])
        expect(out).not.toContain(secret);
      expect(out).toContain('[redacted]');
    }
    expect(redactText('authorization: Bearer abc def\nhost: x')).toBe('authorization: [redacted]\nhost: x');
    expect(redactText('the request lacks authorization')).toBe('the request lacks authorization');
  });
});

describe('JUnit XML', () => {
  it('is well-formed, with one testcase per requirement, classname = area, name = "ID title", and one for the run', () => {
    const r = failing();
    const xml = renderJunit(r);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const cases = all(root, 'testcase');
    // One per requirement, and the run's verdict (it fails exactly when the exit code is not 0, with the reasons).
    expect(cases).toHaveLength(r.requirements.length + 1);
    const verdict = cases.find((c) => c.attrs.classname === 'run')!;
    expect(verdict.attrs.name).toBe('verdict: NOT CONFORMANT');
    expect(child(verdict, 'failure')!.attrs.type).toBe('not conformant');
    expect(child(verdict, 'failure')!.text).toContain('MUST EX-UNKNOWN-USER fails');
    for (const q of r.requirements) {
      const t = cases.find((c) => c.attrs.name === `${q.id} ${q.title}`);
      expect(t, q.id).toBeDefined();
      expect(t!.attrs.classname).toBe(q.area);
    }
    expect(root.attrs.tests).toBe(String(r.requirements.length + 1));
    expect(root.attrs.failures).toBe(String(FAILING_IDS.length + 1));
    // a conformant run: no failure anywhere, the verdict testcase passes
    const ok = parseXml(renderJunit(passing()));
    expect(ok.attrs.failures).toBe('0');
    expect(all(ok, 'testcase').find((c) => c.attrs.classname === 'run')!.attrs.name).toBe('verdict: CONFORMANT');
  });

  it('fails exactly the failing MUST/SHOULD requirements, with evidence; skips skip and n/a with the reason; OBSERVE never fails', () => {
    const r = failing();
    req(r, 'OBS-BODY-SIZE').status = 'fail'; // an OBSERVE requirement is never a failure
    req(r, 'OBS-BODY-SIZE').failureCount = 1;
    const byId = testcases(renderJunit(r));
    for (const q of r.requirements) {
      const t = byId.get(q.id)!;
      const failure = child(t, 'failure');
      const skipped = child(t, 'skipped');
      if (q.status === 'fail' && q.level !== 'OBSERVE') {
        expect(failure, q.id).toBeDefined();
        expect(failure!.attrs.message).toContain(q.failures[0]!.problem);
        expect(failure!.text).toContain(q.failures[0]!.replay);
        expect(failure!.text).toContain(q.failures[0]!.expected.summary);
        expect(failure!.text).toContain(`${q.failures[0]!.request!.method} ${q.failures[0]!.request!.path}`);
      } else expect(failure, q.id).toBeUndefined();
      if (q.status === 'skip' || q.status === 'n/a') {
        expect(skipped, q.id).toBeDefined();
        expect(child(t, 'system-out')!.text).toContain(q.reason!);
      } else expect(skipped, q.id).toBeUndefined();
    }
    expect(child(byId.get('OBS-OMITTED-MEMBERS')!, 'system-out')!.text).toContain('observed:');
  });

  it('stays well-formed with "]]>" twice, control characters and lone surrogates in the evidence', () => {
    const r = failing();
    const f = req(r, 'EX-UNKNOWN-USER').failures[0]!;
    f.input = { IdentityInfo: { FirstName: ']]> and ]]> again', LastName: 'nul\u0000 bell\u0007 lone\ud800 <&>' } };
    f.problem = 'a problem with ]]> ]]> and "quotes" <tags>';
    f.response!.body = ']]>]]>]]>';
    const t = testcases(renderJunit(r)).get('EX-UNKNOWN-USER')!;
    expect(child(t, 'failure')!.attrs.message).toContain('"quotes" <tags>');
    expect(child(t, 'failure')!.text).toContain('and ]]&gt; again');
  });
});

describe('baselines and the gate', () => {
  const file = 'ci/baseline.yaml';
  const ids = () => failing().requirements.map((r) => r.id);
  const today = new Date('2026-12-01T12:00:00Z');

  it('reads the documented format, YAML or JSON', () => {
    const b = parseBaseline(
      '# expected failures\n- id: EX-UNKNOWN-USER\n  reason: the emulator answers 400\n  link: https://example.org/issues/1\n  expires: 2027-01-31\n- id: EX-FOREIGN-USER\n  reason: same bug\n',
      file,
      ids(),
    );
    expect(b.entries).toEqual([
      { id: 'EX-UNKNOWN-USER', reason: 'the emulator answers 400', link: 'https://example.org/issues/1', expires: '2027-01-31' },
      { id: 'EX-FOREIGN-USER', reason: 'same bug' },
    ]);
    expect(parseBaseline('[{"id":"EX-UNKNOWN-USER","reason":"json too"}]', file).entries).toHaveLength(1);
    expect(parseBaseline('', file).entries).toEqual([]);
    const examples = join(import.meta.dirname, '..', 'examples', 'ci', 'baseline.yaml');
    expect(readBaseline(examples, ids()).entries.length).toBeGreaterThan(0);
  });

  it.each([
    ['- id: [unclosed\n', /ci\/baseline\.yaml:\d+: not valid YAML/],
    ['id: EX-UNKNOWN-USER\n', /must be a list of entries/],
    ['- id: EX-UNKNOWN-USER\n', /ci\/baseline\.yaml:1: entry 1 \(EX-UNKNOWN-USER\): reason must be a non-empty text/],
    ['- id: EX-UNKNOWN-USER\n  reason: x\n- id: EX-FOREIGN-USER\n  reason: y\n  expire: 2027-01-01\n', /:3: entry 2: unknown key "expire"/],
    ['- id: EX-UNKNOWN-USER\n  reason: x\n  expires: 2027-02-30\n', /entry 1 \(EX-UNKNOWN-USER\): expires must be a date YYYY-MM-DD/],
    ['- id: EX-UNKNOWN-USER\n  reason: x\n  link: javascript:alert(1)\n', /link must be an http or https URL/],
    ['- id: NO-SUCH-REQUIREMENT\n  reason: x\n', /entry 1 \(NO-SUCH-REQUIREMENT\): no requirement has this ID/],
    ['- id: EX-UNKNOWN-USER\n  reason: x\n- id: EX-UNKNOWN-USER\n  reason: y\n', /listed twice \(entries 1 and 2\)/],
    ['- just a string\n', /entry 1: must be a mapping/],
  ])('a malformed baseline is one UsageError naming the file and the entry: %j', (text, message) => {
    const attempt = () => parseBaseline(text, file, ids());
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
    expect(() => parseBaseline(text, file, ids())).toThrow(/^baseline ci\/baseline\.yaml/);
  });

  it('a missing file is a UsageError; an unknown ID is caught when applied if the catalogue was not at hand', () => {
    expect(() => readBaseline('/nonexistent/baseline.yaml')).toThrow(/baseline \/nonexistent\/baseline\.yaml: cannot be read \(ENOENT\)/);
    const b = parseBaseline('- id: NOPE\n  reason: x\n', file);
    expect(() => applyBaseline(failing(), b, today)).toThrow(UsageError);
  });

  it('expected failures pass the gate; an unlisted MUST failure fails it', () => {
    const r = failing();
    const all4: Baseline = { file, entries: FAILING_IDS.map((id) => ({ id, reason: 'known' })) };
    const view = applyBaseline(r, all4, today);
    for (const id of FAILING_IDS) expect(view.marks[id]!.state).toBe('expected-failure');
    expect(judged(r, view).summary).toMatchObject({
      verdict: 'conformant',
      headline: 'CONFORMANT with 4 expected failures',
      passed: true,
      reasons: [],
      expectedFailures: 4,
    });
    // the facts stay as they were: four MUST failures
    expect(judged(r, view).summary.must.failed).toBe(4);
    expect(judged(r, view).requirements).toEqual(r.requirements);
    const three = judged(r, { ...all4, entries: all4.entries.slice(1), today });
    expect(three.summary).toMatchObject({ verdict: 'not conformant', headline: 'NOT CONFORMANT', passed: false, expectedFailures: 3 });
    expect(three.summary.reasons).toEqual([expect.stringMatching(/^MUST EX-UNKNOWN-INSTANCE fails and is not in ci\/baseline\.yaml/)]);
  });

  it('a listed requirement that passes now is stale and fails the gate; so does an expired entry; a skipped one is not-run', () => {
    const r = failing();
    const b: Baseline = {
      file,
      entries: [
        ...FAILING_IDS.slice(1).map((id) => ({ id, reason: 'known' })),
        { id: 'EX-UNKNOWN-INSTANCE', reason: 'known', expires: '2026-11-30' },
        { id: 'IN-BODY-JSON', reason: 'was failing' },
        { id: 'AUTH-UNSIGNED', reason: 'auth not enforced' },
      ],
    };
    const view = applyBaseline(r, b, today);
    expect(view.marks['IN-BODY-JSON']!.state).toBe('stale');
    expect(view.marks['EX-UNKNOWN-INSTANCE']!.state).toBe('expired');
    expect(view.marks['AUTH-UNSIGNED']!.state).toBe('not-run');
    const { summary } = judged(r, view);
    // an expired entry excuses nothing: its MUST failure makes the run NOT CONFORMANT again
    expect(summary).toMatchObject({ verdict: 'not conformant', passed: false });
    expect(summary.reasons).toHaveLength(2);
    expect(summary.reasons.join('\n')).toMatch(/stale baseline: MUST IN-BODY-JSON/);
    expect(summary.reasons.join('\n')).toMatch(/expired baseline entry: MUST EX-UNKNOWN-INSTANCE .*expired on 2026-11-30/);
    // with the expired entry renewed, only the stale one is left: BASELINE OUT OF DATE
    const renewed = judged(r, { ...b, entries: b.entries.map((e) => ({ ...e, expires: undefined })), today });
    expect(renewed.summary).toMatchObject({ verdict: 'baseline out of date', headline: 'BASELINE OUT OF DATE', passed: false });
    expect(renewed.summary.reasons).toEqual([
      expect.stringMatching(/^stale baseline: MUST IN-BODY-JSON listed as an expected failure but passes now/),
    ]);
    // the last day of an entry still holds
    expect(applyBaseline(r, b, new Date('2026-11-30T23:59:59Z')).marks['EX-UNKNOWN-INSTANCE']!.state).toBe('expected-failure');

    const html = renderHtml(r, { baseline: view });
    expect(html).toMatch(/data-requirement-id="IN-BODY-JSON"[^>]*data-baseline="stale"/);
    expect(html).toMatch(/data-requirement-id="EX-UNKNOWN-INSTANCE"[^>]*data-baseline="expired"/);
    expect(html).toMatch(/data-requirement-id="EX-UNKNOWN-USER"[^>]*data-baseline="expected-failure"/);
    expect(html).toContain('CI gate with baseline');
    const byId = testcases(renderJunit(r, { baseline: view }));
    expect(child(byId.get('IN-BODY-JSON')!, 'failure')!.attrs.type).toBe('baseline-stale');
    expect(child(byId.get('EX-UNKNOWN-INSTANCE')!, 'failure')!.attrs.type).toBe('baseline-expired');
    expect(child(byId.get('EX-UNKNOWN-USER')!, 'failure')).toBeUndefined();
    expect(child(byId.get('EX-UNKNOWN-USER')!, 'skipped')).toBeDefined();
    expect(child(byId.get('EX-UNKNOWN-USER')!, 'system-out')!.text).toContain('expected-failure');
  });

  it('baselineFrom lists the current MUST and SHOULD failures with a real reason, and keeps what a previous baseline said', () => {
    const r = failing();
    req(r, 'PREC-VALIDATION-FIRST').status = 'fail'; // a SHOULD
    req(r, 'OBS-BODY-SIZE').status = 'fail'; // OBSERVE: never listed
    const text = baselineFrom(r);
    const b = parseBaseline(text, 'new.yaml', ids());
    expect(b.entries.map((e) => e.id).sort()).toEqual([...FAILING_IDS, 'PREC-VALIDATION-FIRST'].sort());
    const e = b.entries.find((x) => x.id === 'EX-UNKNOWN-USER')!;
    expect(e.reason).toBe(`failing since ${r.startedAt.slice(0, 10)}: ${req(r, 'EX-UNKNOWN-USER').failures[0]!.problem}`);
    expect(text).not.toMatch(/TODO|FIXME|<reason>|\?\?\?/);
    expect(judged(r, { ...b, today }).summary.passed).toBe(true);
    const previous: Baseline = {
      file: 'old.yaml',
      entries: [
        { id: 'EX-UNKNOWN-USER', reason: 'tracked upstream', link: 'https://example.org/1', expires: '2027-06-30' },
        { id: 'IN-BODY-JSON', reason: 'fixed since' },
      ],
    };
    const again = parseBaseline(baselineFrom(r, previous), 'new.yaml', ids());
    expect(again.entries.find((x) => x.id === 'EX-UNKNOWN-USER')).toEqual(previous.entries[0]);
    expect(again.entries.some((x) => x.id === 'IN-BODY-JSON')).toBe(false);
    // an entry for a requirement this run did not check (another shard, --only) is kept as it was
    const notRun: Baseline = { file: 'old.yaml', entries: [{ id: 'AUTH-UNSIGNED', reason: 'the emulator does not check signatures' }] };
    expect(parseBaseline(baselineFrom(r, notRun), 'new.yaml').entries).toContainEqual(notRun.entries[0]);
    const dir = tmp();
    const f = join(dir, 'baseline.yaml');
    writeFileSync(f, '- id: EX-UNKNOWN-USER\n  reason: tracked upstream\n');
    const written = updateBaselineFile(f, r, ids());
    expect(written.entries.find((x) => x.id === 'EX-UNKNOWN-USER')!.reason).toBe('tracked upstream');
    expect(readBaseline(f, ids())).toEqual(written);
    expect(updateBaselineFile(join(dir, 'new.yaml'), r).entries).toHaveLength(FAILING_IDS.length + 1);
    expect(parseBaseline(baselineFrom(passing()), 'empty.yaml').entries).toEqual([]);
  });
});

describe('summarize', () => {
  it('gives the summary buildResults gave the real runs', () => {
    for (const r of [failing(), passing()]) expect(summarize(r.requirements)).toEqual(r.summary);
    const r = failing();
    req(r, 'EX-UNKNOWN-USER').status = 'pass';
    expect(summarize(r.requirements).must.failed).toBe(r.summary.must.failed - 1);
  });
});

describe('comparison of runs', () => {
  it('marks requirements that newly fail or newly pass between runs of the same target, in startedAt order', () => {
    const ok = passing();
    const bad = failing();
    expect(ok.startedAt < bad.startedAt).toBe(true);
    const other = failing();
    other.target = { ...other.target, kind: 'endpoint', endpoint: 'http://127.0.0.1:4566' };
    // columns in any order: the failing run comes after the passing one in time
    const c = compareRuns([
      { label: 'later', results: bad },
      { label: 'earlier', results: ok },
      { label: 'emulator', results: other },
    ]);
    expect(c.columns.map((x) => x.previous)).toEqual([1, undefined, undefined]);
    expect(
      c.changes
        .filter((x) => x.change === 'newly-failing')
        .map((x) => x.id)
        .sort(),
    ).toEqual([...FAILING_IDS].sort());
    expect(c.changes.every((x) => x.column === 0 && x.previous === 1)).toBe(true);
    const row = c.rows.find((x) => x.id === 'EX-UNKNOWN-USER')!;
    expect(row.cells.map((x) => x.status)).toEqual(['fail', 'pass', 'fail']);
    expect(row.cells[2]!.change).toBeUndefined();
    expect(row.differs).toBe(true);

    // and the other way round: the failing run first, then a fixed one
    const fixed = passing();
    fixed.startedAt = '2027-01-01T00:00:00.000Z';
    const back = compareRuns([
      { label: 'broken', results: bad },
      { label: 'fixed', results: fixed },
    ]);
    expect(back.changes.map((x) => [x.id, x.change]).sort()).toEqual(FAILING_IDS.map((id) => [id, 'newly-passing']).sort());

    const html = renderCompare(c);
    expect(count(html, 'data-requirement-id="')).toBe(bad.requirements.length);
    expect(count(html, 'data-change="newly-failing"')).toBe(FAILING_IDS.length);
    expect(count(html, '<script')).toBe(1);
    expect(html).toContain('id="compare-matrix"');
  });
});

describe('merging shards', () => {
  /** Splits a run into n shards as run --shard would: each checks every n-th requirement and skips the others. */
  function shards(r: Results, n: number): (Results & { shard: string })[] {
    return Array.from({ length: n }, (_, k) => {
      const shard = { index: k + 1, count: n };
      const s = structuredClone(r) as Results & { shard: string };
      s.shard = `${k + 1}/${n}`;
      s.requirements = s.requirements.map((q, pos) =>
        inShard(pos, shard)
          ? q
          : { ...q, status: 'skip', reason: shardSkipReason(shard), cases: 0, failureCount: 0, failures: [], observed: undefined },
      );
      s.summary = summarize(s.requirements);
      s.fixtures = k === 0 ? r.fixtures : [];
      return s;
    });
  }

  it('joins the shards of one run into that run: fail wins, then pass, then skip and n/a', () => {
    const r = failing();
    const [a, b] = shards(r, 2);
    expect(a!.summary).not.toEqual(r.summary);
    const merged = mergeResults([b!, a!]);
    expect(merged.requirements).toEqual(r.requirements);
    expect(merged.summary).toEqual(r.summary);
    expect(merged.fixtures).toEqual(r.fixtures);
    expect((merged as { shard?: string }).shard).toBeUndefined();
    expect(mergeResults(shards(r, 3)).requirements).toEqual(r.requirements);
  });

  it('adds cases and failures up, a failure in one shard wins over a pass in another', () => {
    const one = failing();
    const two = failing();
    (one as Results & { shard: string }).shard = '1/2';
    (two as Results & { shard: string }).shard = '2/2';
    const id = 'EX-UNKNOWN-USER';
    Object.assign(req(two, id), { status: 'pass', failures: [], failureCount: 0, cases: 5 });
    const merged = mergeResults([one, two]);
    expect(req(merged, id).status).toBe('fail');
    expect(req(merged, id).cases).toBe(req(one, id).cases + 5);
    expect(req(merged, 'ERR-STATUS-MATCHES-TYPE').failureCount).toBe(2 * req(one, 'ERR-STATUS-MATCHES-TYPE').failureCount);
  });

  it('refuses results that are not the shards of one run', () => {
    const [a, b] = shards(failing(), 2);
    expect(() => mergeResults([a!, { ...b!, seed: b!.seed + 1 }])).toThrow(/the seed differs/);
    expect(() => mergeResults([a!, { ...b!, target: { ...b!.target, endpoint: 'http://elsewhere' } }])).toThrow(/the target differs/);
    expect(() => mergeResults([a!])).toThrow(/shard\(s\) 2\/2 missing/);
    expect(() => mergeResults([a!, a!])).toThrow(/shard 1\/2 is given twice/);
    expect(() => mergeResults([a!, { ...b!, shard: '2/3' }])).toThrow(/disagree on their count/);
    expect(() => parseShard('3/2')).toThrow(UsageError);
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
  });
});

describe('the CI example', () => {
  it('is a valid workflow whose jobs run, shard, merge and keep the reports', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'examples', 'ci', 'github-actions.yml'), 'utf8');
    const doc = parseDocument(text);
    expect(doc.errors).toEqual([]);
    const jobs = (doc.toJSON() as { jobs: Record<string, unknown> }).jobs;
    expect(Object.keys(jobs)).toEqual(['conformance', 'shard', 'merge']);
    for (const needle of [
      '--baseline',
      '--report-dir reports/out',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as the workflow file holds it.
      '--shard ${{ matrix.shard }}/3',
      'compare --merge',
      'reports/out/junit.xml',
      'upload-artifact',
    ])
      expect(text).toContain(needle);
  });
});

describe('the report and compare commands, and writeReports', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_SECRET_ACCESS_KEY = 'ENV-SECRET-wJalrXUtnFEMI-K7MDENG';
    process.env.AWS_SESSION_TOKEN = 'ENV-SESSION-TOKEN-IQoJb3JpZ2luX2Vj';
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('writeReports writes results.json, index.html and junit.xml with no secret of the environment in them', () => {
    const r = failing();
    const f = req(r, 'EX-UNKNOWN-USER').failures[0]!;
    f.request!.headers.authorization = `AWS4-HMAC-SHA256 Credential=AKID/x, Signature=${'a'.repeat(64)}`;
    f.request!.headers['x-amz-security-token'] = process.env.AWS_SESSION_TOKEN!;
    f.response!.body = `{"message":"echo ${process.env.AWS_SECRET_ACCESS_KEY}"}`;
    const dir = tmp();
    const written = writeReports(dir, r);
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'junit.xml', 'results.json']);
    for (const file of Object.values(written)) {
      const text = readFileSync(file, 'utf8');
      for (const secret of [process.env.AWS_SECRET_ACCESS_KEY!, process.env.AWS_SESSION_TOKEN!, 'a'.repeat(64)])
        expect(text, file).not.toContain(secret);
    }
    expect(JSON.parse(readFileSync(written.results, 'utf8')).requirements).toHaveLength(r.requirements.length);
  });

  it('report re-renders from results.json alone; a missing or malformed file is one UsageError line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'results.json'), readFileSync(join(EXAMPLES, 'module-failing.json')));
    const out = join(dir, 'out');
    expect(await report([join(dir, 'results.json'), '--out', out])).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('data-requirement-id="EX-UNKNOWN-USER"');
    expect(all(parseXml(readFileSync(join(out, 'junit.xml'), 'utf8')), 'testcase')).toHaveLength(failing().requirements.length + 1);
    expect(await report([dir])).toBe(0); // a folder means its results.json
    expect(existsSync(join(dir, 'index.html'))).toBe(true);

    await expect(report([join(dir, 'nope.json')])).rejects.toThrow(/nope\.json: no such file/);
    writeFileSync(join(dir, 'bad.json'), '{"tool":');
    await expect(report([join(dir, 'bad.json')])).rejects.toThrow(/bad\.json: not JSON/);
    writeFileSync(join(dir, 'foreign.json'), '{"hello":"world"}');
    await expect(report([join(dir, 'foreign.json')])).rejects.toThrow(
      /foreign\.json: not a results\.json of connect-conformance: "tool" is missing/,
    );
    await expect(report([])).rejects.toThrow(UsageError);
    const broken = failing();
    delete (broken.requirements.find((q) => q.status === 'fail')!.failures[0] as Partial<ResultFailure>).replay;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
    await expect(report([join(dir, 'broken.json')])).rejects.toThrow(
      /: not a results\.json of connect-conformance: requirements\[\d+\] \(EX-UNKNOWN-INSTANCE\)\.failures\[0\]: "replay" is missing$/,
    );
    for (const p of [report([join(dir, 'nope.json')]), report(['--what'])]) {
      const e = await p.catch((x: Error) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('report --baseline shows the baseline states; compare writes the matrix; compare --merge gates', async () => {
    const dir = tmp();
    const base = join(dir, 'baseline.yaml');
    writeFileSync(base, baselineFrom(failing()));
    const bad = join(dir, 'bad');
    const ok = join(dir, 'ok');
    writeReports(bad, failing());
    writeReports(ok, passing());
    expect(await report([bad, '--baseline', base])).toBe(0);
    expect(readFileSync(join(bad, 'index.html'), 'utf8')).toContain('data-baseline="expected-failure"');
    // the baseline's verdict is kept in results.json: a later re-render without --baseline still shows it
    expect(await report([bad, '--out', join(dir, 'again')])).toBe(0);
    expect(readFileSync(join(dir, 'again', 'index.html'), 'utf8')).toContain('data-baseline="expected-failure"');

    const cmp = join(dir, 'cmp');
    expect(await compare([join(ok, 'results.json'), join(bad, 'results.json'), '--out', cmp])).toBe(0);
    const html = readFileSync(join(cmp, 'index.html'), 'utf8');
    expect(count(html, 'data-change="newly-failing"')).toBe(FAILING_IDS.length);
    expect(html).toContain('1. ok');

    const s = (shard: string) => {
      const r = failing() as Results & { shard: string };
      r.shard = shard;
      const d = join(dir, `shard${shard[0]}`);
      writeReports(d, r);
      return join(d, 'results.json');
    };
    const merged = join(dir, 'merged');
    expect(await compare(['--merge', s('1/2'), s('2/2'), '--out', merged])).toBe(1);
    expect(readdirSync(merged).sort()).toEqual(['index.html', 'junit.xml', 'results.json']);
    expect(await compare(['--merge', s('1/2'), s('2/2'), '--out', merged, '--baseline', base])).toBe(0);
    await expect(compare([join(ok, 'results.json'), '--baseline', base])).rejects.toThrow(/--baseline goes with --merge only/);
    await expect(compare([])).rejects.toThrow(UsageError);
  });
});

describe('suite strength (connect-conformance strength)', () => {
  const variants: StrengthVariant[] = [
    { name: 'off-by-one', kind: 'broken', caught: true, by: ['IN-FIRSTNAME-MAXLEN'] },
    { name: 'missed-bug', kind: 'broken', caught: false },
    { name: 'other-error-type', kind: 'correct', caught: false },
    { name: 'wrongly-failed', kind: 'correct', caught: true, by: ['OK-ACCEPT-VALID'] },
    { name: 'iso-timestamps-unreported', kind: 'correct', caught: false, missed: ['FX-BODY-TYPES'] },
  ];

  it('gives each variant one verdict: a correct one whose sibling finding went unreported is a miss, not a false alarm', () => {
    expect(variants.map(strengthVerdict)).toEqual(['caught', 'NOT caught', 'passed', 'false alarm', 'finding missed']);
    expect(variants.map(strengthOk)).toEqual([true, false, true, false, false]);
  });

  it('shows the same verdicts in the HTML report, with the findings that were not reported', () => {
    const html = renderHtml(passing(), { strength: { caught: 1, total: 2, falseAlarms: 1, correctTotal: 3, missedFindings: 1, variants } });
    const row = (name: string) =>
      new RegExp(`<tr class="[^"]*"><td><code>${name}</code></td><td>[a-z]+</td><td>([^<]+)</td><td>([^<]*)</td>`).exec(html)?.slice(1);
    expect(row('iso-timestamps-unreported')).toEqual(['finding missed', 'not reported: FX-BODY-TYPES']);
    expect(row('wrongly-failed')).toEqual(['false alarm', 'OK-ACCEPT-VALID']);
    expect(row('other-error-type')?.[0]).toBe('passed');
    expect(html).toContain('Sibling findings not reported: <b>1</b>');
    expect(html).toContain('<tr class="warn"><td><code>iso-timestamps-unreported</code>');
  });
});
