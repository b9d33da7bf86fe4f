// index.html: the conformance report a person reads, rendered from results.json alone. One self-contained file,
// titled and headed with the operation under test: the verdict and the score first, then every requirement grouped by area (filterable by status, level and area),
// and for each failure its evidence — input, request, response, what was expected, the problem — and a one-line
// replay command with a copy button. Every value is redacted once more and HTML-escaped; the page's only script is
// allowed by its hash (page.ts), so nothing injected through a value can run.
import type { BaselineMark, BaselineView } from './baseline.ts';
import { inputText, originText, requestText, responseText } from './evidence.ts';
import { esc, page, slug } from './page.ts';
import type { LevelSummary, RequirementResult, ResultFailure, Results } from '../engine/results.ts';
import { redactResults } from './sanitize.ts';
import { judged, type BaselineInput } from './verdict.ts';
import { strengthOk, strengthVerdict, type ClassesCovered, type Strength } from './strength.ts';
import { scoreText } from '../engine/summary.ts';
import { seedShown } from '../engine/options.ts';
import { throttlingStatusText } from '../engine/flow-control.ts';

export interface ReportExtra {
  /** The baseline to judge the run against (default: the one the results were judged against before, if any). */
  baseline?: BaselineInput;
  strength?: Strength;
  /** Secret values to scrub from every string (defence in depth; results.json is redacted already). */
  secrets?: readonly string[];
}

// Control and invisible characters in evidence are shown as \uXXXX, so that an input's bytes can be told apart.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what this expression is for.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
/** Escaped text with invisible characters made visible. */
function visible(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(INVISIBLE)) {
    out += esc(s.slice(last, m.index!));
    out += `<span class="ctl" title="an invisible character">\\u${m[0].charCodeAt(0).toString(16).padStart(4, '0')}</span>`;
    last = m.index! + m[0].length;
  }
  return out + esc(s.slice(last));
}

const pre = (s: string, cls = '') => `<pre${cls ? ` class="${cls}"` : ''}>${visible(s)}</pre>`;
/** Only http(s) links are made clickable (a baseline read from a foreign results.json could say javascript:). */
const link = (href: string | undefined) =>
  href && /^https?:\/\//i.test(href) ? ` <a href="${esc(href)}" rel="noreferrer noopener">link</a>` : '';
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const STATUS_WORD: Record<string, string> = { pass: 'pass', fail: 'fail', error: 'error', skip: 'skip', 'n/a': 'n/a' };
const statusBadge = (status: string) => `<span class="badge s-${slug(status)}">${esc(STATUS_WORD[status] ?? status)}</span>`;
const STATE_WORD: Record<string, string> = {
  'expected-failure': 'expected failure',
  stale: 'stale baseline',
  expired: 'expired baseline',
  'not-run': 'baseline: not run',
};
const stateBadge = (m: BaselineMark) => `<span class="badge b-${slug(m.state)}">${esc(STATE_WORD[m.state])}</span>`;

function duration(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function levelTile(name: string, s: LevelSummary, observe = false): string {
  const main = observe ? `${s.passed} recorded` : `${scoreText(s)}`;
  const parts = [
    observe ? '' : `${s.failed} failed`,
    s.errors ? `${s.errors} not checked` : '',
    `${s.skipped} skipped`,
    `${s.notApplicable} n/a`,
  ].filter(Boolean);
  return `<div class="tile${!observe && (s.failed || s.errors) ? ' tile-fail' : ''}"><div class="tile-name">${esc(name)}</div><div class="tile-main">${esc(main)}${observe ? '' : ' passed'}</div><div class="muted">${esc(parts.join(' · '))}</div></div>`;
}

function header(r: Results): string {
  const { summary } = r;
  const ok = summary.passed;
  const errors = r.requirements.filter((q) => q.status === 'error');
  const score = summary.score === null ? 'no MUST requirement ran' : `${(summary.score * 100).toFixed(1)}%`;
  const view = r.baseline;
  const unrestored = r.fixtures.filter((f) => !f.restored);
  return `<header class="top">
<div class="verdict ${ok ? 'v-ok' : 'v-bad'}" id="verdict">
  <div class="verdict-word">${esc(summary.headline)}</div>
  <div class="score" id="score"><b>${esc(score)}</b> conformance score: MUST ${esc(`${summary.must.passed}/${summary.must.passed + summary.must.failed}`)} passed</div>
  <div class="muted">${esc(plural(r.requirements.filter((q) => q.status === 'fail').length, 'requirement'))} failing of ${esc(r.requirements.length)}${errors.length ? `; ${esc(plural(errors.length, 'requirement'))} not checked (a step did not finish)` : ''}${summary.stopped ? `; stopped early: ${esc(summary.stopped)}` : ''}</div>
  ${
    summary.reasons.length
      ? `<ul class="reasons" id="verdict-reasons">${summary.reasons
          .slice(0, 8)
          .map((x) => `<li>${esc(x)}</li>`)
          .join('')}${summary.reasons.length > 8 ? `<li class="muted">and ${esc(summary.reasons.length - 8)} more</li>` : ''}</ul>`
      : ''
  }
</div>
<div class="tiles">
${levelTile('MUST', summary.must)}
${levelTile('SHOULD', summary.should)}
${levelTile('OBSERVE', summary.observe, true)}
${view ? `<div class="tile ${ok ? 'tile-ok' : 'tile-fail'}" id="gate"><div class="tile-name">CI gate with baseline</div><div class="tile-main">${ok ? 'passed' : 'failed'}</div><div class="muted">${esc(baselineCounts(view))}</div></div>` : ''}
</div>
</header>
${unrestored.length ? `<p class="warn" id="unrestored">${esc(plural(unrestored.length, 'fixture user was', 'fixture users were'))} NOT restored: ${unrestored.map((u) => `<code>${esc(u.userId)}</code>${u.note ? ` (${esc(u.note)})` : ''}`).join(', ')}</p>` : ''}`;
}

function baselineCounts(view: BaselineView): string {
  const counts: Record<string, number> = {};
  for (const m of Object.values(view.marks)) counts[m.state] = (counts[m.state] ?? 0) + 1;
  const parts = Object.entries(counts).map(([k, n]) => `${n} ${STATE_WORD[k]}${n > 1 && k !== 'not-run' ? 's' : ''}`);
  return parts.length ? parts.join(' · ') : 'empty baseline';
}

function meta(r: Results): string {
  const m = r.spec.model;
  const rows: [string, string][] = [
    ['Target', `<b>${esc(r.target.kind)}</b> at <code>${esc(r.target.endpoint)}</code>, region ${esc(r.target.region)}`],
    [
      'Identity management',
      r.target.identityManagementTypes.map((t) => `<code>${esc(t)}</code>`).join(' ') || '<span class="muted">none</span>',
    ],
    ['Operation', `<code>${esc(r.operation)}</code> from <code>${esc(r.spec.document)}</code>`],
    [
      'Model the spec encodes',
      `botocore ${esc(m.botocore)} (${esc(m.year)}), API ${esc(m.apiVersion)}, ${esc(m.protocol)}, ${esc(m.sdkId)}${m.notes ? `<div class="muted">${esc(m.notes)}</div>` : ''}`,
    ],
    ['SDK', `@aws-sdk/client-connect ${esc(r.tool.sdk)}`],
    ['Suite', `${esc(r.tool.name)} ${esc(r.tool.version)}${r.tool.commit ? `, commit <code>${esc(r.tool.commit)}</code>` : ''}`],
    ['Seed', `<code>${esc(seedShown(r))}</code>, ${esc(r.runs)} random examples per property`],
    [
      'Run',
      `${esc(r.startedAt)} → ${esc(r.finishedAt)}${duration(r.startedAt, r.finishedAt) ? ` (${esc(duration(r.startedAt, r.finishedAt))})` : ''}`,
    ],
  ];
  if (r.shard) rows.push(['Shard', esc(r.shard)]);
  return `<dl class="meta" id="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function baselineSection(view: BaselineView, results: Results): string {
  const byId = new Map(results.requirements.map((r) => [r.id, r]));
  const rows = Object.entries(view.marks)
    .map(([id, m]) => {
      const e = m.entry;
      return `<tr data-baseline-id="${esc(id)}"><td><a href="#req-${esc(id)}" class="jump">${esc(id)}</a></td><td>${stateBadge(m)}</td><td>${esc(byId.get(id)?.status ?? '')}</td><td>${esc(e.reason)}${link(e.link)}</td><td class="nowrap">${esc(e.expires ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<section id="baseline"><h2>Baseline <span class="muted">${esc(view.file)} · judged on ${esc(view.today)}</span></h2>
<p class="${results.summary.passed ? 'ok' : 'warn'}">CI gate ${results.summary.passed ? 'passed' : 'failed'}: ${esc(results.summary.headline)}${results.summary.reasons.length ? ':' : '.'}</p>
${results.summary.reasons.length ? `<ul class="reasons">${results.summary.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
<p class="muted">A baseline lists failures only: a requirement that was not checked, a run that stopped early or checked nothing, and a fixture not restored fail the run whatever it lists.</p>
${rows ? `<div class="scroll"><table class="plain"><thead><tr><th>Requirement</th><th>State</th><th>Status now</th><th>Reason</th><th>Expires</th></tr></thead><tbody>${rows}</tbody></table></div>` : '<p class="muted">The baseline lists no requirement.</p>'}
</section>`;
}

function strengthSection(s: Strength): string {
  const rows = (s.variants ?? [])
    .map((v) => {
      const verdict = strengthVerdict(v);
      const by = verdict === 'finding missed' ? `not reported: ${v.missed!.join(', ')}` : (v.by ?? []).join(', ');
      return `<tr class="${strengthOk(v) ? '' : 'warn'}"><td><code>${esc(v.name)}</code></td><td>${esc(v.kind ?? 'broken')}</td><td>${esc(verdict)}</td><td>${esc(by)}</td><td class="num">${esc(v.requests ?? '')}</td><td class="num">${v.ms === undefined ? '' : esc((v.ms / 1000).toFixed(1))}</td></tr>`;
    })
    .join('');
  const alarms =
    s.correctTotal !== undefined
      ? ` False alarms: <b>${esc(s.falseAlarms ?? 0)}</b> of ${esc(s.correctTotal)} correct-but-different variants.`
      : '';
  const missed = s.missedFindings ? ` Sibling findings not reported: <b>${esc(s.missedFindings)}</b>.` : '';
  return `<section id="strength"><h2>Suite strength</h2>
<p>The suite caught <b>${esc(s.caught)}</b> of ${esc(s.total)} broken variants of the reference${s.total ? ` (${esc(((100 * s.caught) / s.total).toFixed(0))}%)` : ''}.${alarms}${missed}${s.note ? ` <span class="muted">${esc(s.note)}</span>` : ''}</p>
${rows ? `<div class="scroll"><table class="plain"><thead><tr><th>Variant</th><th>Kind</th><th>Verdict</th><th>By</th><th>Requests</th><th>Seconds</th></tr></thead><tbody>${rows}</tbody></table></div>` : ''}
${s.classes ? classesSection(s.classes) : ''}
</section>`;
}

/** The HTML table of the classes covered per member: one row per member, one column per identity management type. */
function classesSection(c: ClassesCovered): string {
  const total = c.classes.length;
  const cell = (sent: string[] | undefined) => {
    if (!sent) return '<td class="muted">forbidden</td>';
    const refused = c.classes.filter((x) => !sent.includes(x.name)).map((x) => x.name);
    return `<td><b>${esc(sent.length)}</b> of ${esc(total)}${sent.length ? `: ${esc(sent.join(', '))}` : ''}${refused.length && sent.length ? `<br><span class="muted">not sent (its constraints refuse them): ${esc(refused.join(', '))}</span>` : ''}</td>`;
  };
  const rows = c.members
    .map((m) => `<tr><td><code>${esc(m.member)}</code></td>${c.identityManagementTypes.map((t) => cell(m.byType[t])).join('')}</tr>`)
    .join('');
  const legend = c.classes.map((x) => `<code>${esc(x.name)}</code> ${esc(x.description)}`).join('; ');
  return `<h3>Kinds of valid value sent to each member</h3>
<p>The boundary phase sends every kind of valid value of the spec (<code>x-value-classes</code>) to each member whose constraints accept it, one case per kind: ${legend}.</p>
<div class="scroll"><table class="plain"><thead><tr><th>Member</th>${c.identityManagementTypes.map((t) => `<th>${esc(t)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function failureList(results: Results, view?: BaselineView): string {
  const failing = results.requirements.filter((r) => r.status === 'fail' || view?.marks[r.id]?.failsGate);
  if (!failing.length) return `<section id="failures"><h2>Failures</h2><p class="ok">No requirement failed.</p></section>`;
  return `<section id="failures"><h2>Failures <span class="muted">${esc(failing.length)}</span></h2><ul class="failures">${failing
    .map((r) => {
      const m = view?.marks[r.id];
      return `<li><a href="#req-${esc(r.id)}" class="jump">${esc(r.id)}</a> <span class="badge lvl">${esc(r.level)}</span> ${m ? stateBadge(m) : ''} ${esc(m?.state === 'stale' ? m.note : (r.failures[0]?.problem ?? r.title))}</li>`;
    })
    .join('')}</ul></section>`;
}

function failureHtml(f: ResultFailure, i: number, r: RequirementResult): string {
  const origin = originText(f);
  return `<div class="failure">
<h4>Failure ${i + 1}${r.failureCount > 1 ? ` of ${esc(r.failureCount)}` : ''} · case <code>${esc(f.caseId)}</code>${f.identityManagementType ? ` · ${esc(f.identityManagementType)}` : ''}</h4>
<p class="problem">${visible(f.problem)}</p>
<dl class="kv"><dt>Expected</dt><dd>${visible(f.expected.summary)}</dd>${origin ? `<dt>Origin</dt><dd>${esc(origin)}</dd>` : ''}${f.transportError ? `<dt>Transport</dt><dd>${visible(f.transportError)}</dd>` : ''}</dl>
<div class="replay"><h5>Replay</h5><div class="cmdline"><pre class="cmd"><code>${esc(f.replay)}</code></pre><button type="button" class="copy" title="Copy the replay command">Copy</button></div><span class="copied" aria-live="polite"></span></div>
<div class="exchange">
<div><h5>Input</h5>${pre(inputText(f.input), 'input')}</div>
<div><h5>Request</h5>${pre(requestText(f.request), 'request')}</div>
<div><h5>Response</h5>${pre(responseText(f.response, f.transportError), 'response')}</div>
</div>
</div>`;
}

function requirementHtml(r: RequirementResult, view?: BaselineView): string {
  const m = view?.marks[r.id];
  const search = `${r.id} ${r.title}`.toLowerCase();
  const shownNote = r.failureCount > r.failures.length ? ` (the first ${r.failures.length} shown)` : '';
  const evidence =
    r.status === 'fail'
      ? `<details class="evidence"><summary>Evidence: ${esc(plural(r.failureCount, 'failing case'))} of ${esc(r.cases)}${esc(shownNote)} — ${visible(r.failures[0]?.problem ?? 'no evidence kept')}</summary>${r.failures.map((f, i) => failureHtml(f, i, r)).join('\n')}${r.failures.length ? '' : '<p class="muted">The run kept no evidence for this failure.</p>'}</details>`
      : '';
  const reason = r.reason
    ? `<div class="note reason"><span class="muted">${r.status === 'n/a' ? 'Not applicable' : r.status === 'skip' ? 'Skipped' : r.status === 'error' ? 'Not checked' : 'Note'}:</span> ${visible(r.reason)}</div>`
    : '';
  const errors = r.errors?.length
    ? `<div class="note errors"><span class="muted">Steps that did not finish:</span> <ul>${r.errors.map((e) => `<li><code>${esc(e.stepId)}</code>: ${visible(e.message)}</li>`).join('')}</ul></div>`
    : '';
  const observed = r.observed?.length
    ? `<div class="note observed"><span class="muted">Observed:</span> <ul>${r.observed.map((o) => `<li><code>${visible(o)}</code></li>`).join('')}</ul></div>`
    : '';
  const mark = m ? `<div class="note bl">${stateBadge(m)} ${esc(m.note)}${link(m.entry.link)}</div>` : '';
  return `<article class="req st-${slug(r.status)}${m ? ` bl-${slug(m.state)}` : ''}" id="req-${esc(r.id)}" data-requirement-id="${esc(r.id)}" data-status="${esc(r.status)}" data-level="${esc(r.level)}" data-area="${esc(r.area)}"${m ? ` data-baseline="${esc(m.state)}"` : ''} data-search="${esc(search)}">
<div class="line"><a class="rid" href="#req-${esc(r.id)}">${esc(r.id)}</a><span class="title">${visible(r.title)}</span><span class="lvl">${esc(r.level)}</span><span class="st">${statusBadge(r.status)}${m ? ` ${stateBadge(m)}` : ''}</span><span class="cases">${esc(plural(r.cases, 'case'))}</span></div>
${mark}${reason}${errors}${observed}${evidence}
</article>`;
}

function matrix(results: Results, view?: BaselineView): string {
  const areas: string[] = [];
  for (const r of results.requirements) if (!areas.includes(r.area)) areas.push(r.area);
  const statuses = ['fail', 'error', 'pass', 'skip', 'n/a'].filter((s) => results.requirements.some((r) => r.status === s));
  const levels = ['MUST', 'SHOULD', 'OBSERVE'].filter((l) => results.requirements.some((r) => r.level === l));
  const states = view ? [...new Set(Object.values(view.marks).map((m) => m.state))] : [];
  const option = (value: string, label: string) => `<option value="${esc(value)}">${esc(label)}</option>`;
  const sections = areas
    .map((area) => {
      const rs = results.requirements.filter((r) => r.area === area);
      const failing = rs.filter((r) => r.status === 'fail').length;
      return `<section class="area" data-area="${esc(area)}"><h3>${esc(area)} <span class="muted">${esc(plural(rs.length, 'requirement'))}${failing ? ` · <span class="fail-count">${esc(failing)} failing</span>` : ''}</span></h3>
<div class="line head" aria-hidden="true"><span>ID</span><span>Requirement</span><span>Level</span><span>Status</span><span>Cases</span></div>
${rs.map((r) => requirementHtml(r, view)).join('\n')}</section>`;
    })
    .join('\n');
  return `<section id="requirements"><h2>Requirements <span class="muted">${esc(results.requirements.length)}</span></h2>
<div class="filters" id="filters">
<label>Status <select id="filter-status">${option('all', 'all')}${option('problems', 'problems (fail, stale, expired)')}${statuses.map((s) => option(s, s)).join('')}${states.map((s) => option(`baseline:${s}`, STATE_WORD[s]!)).join('')}</select></label>
<label>Level <select id="filter-level">${option('all', 'all')}${levels.map((l) => option(l, l)).join('')}</select></label>
<label>Area <select id="filter-area">${option('all', 'all')}${areas.map((a) => option(a, a)).join('')}</select></label>
<label>Find <input type="search" id="filter-text" placeholder="ID or words" autocomplete="off"></label>
<button type="button" id="expand-all">Open all evidence</button>
<span class="muted" id="shown-count" aria-live="polite">${esc(results.requirements.length)} of ${esc(results.requirements.length)} shown</span>
</div>
<p class="muted" id="none-shown" hidden>No requirement matches the filters.</p>
<div id="matrix" data-requirements="${esc(results.requirements.length)}">
${sections}
</div></section>`;
}

function fixtures(results: Results): string {
  const list = results.fixtures;
  if (!list.length)
    return `<section id="fixtures"><h2>Fixtures</h2><p class="muted">The run restored no fixture user (none was changed, or the target keeps no state).</p></section>`;
  const bad = list.filter((f) => !f.restored).length;
  const rows = list
    .map(
      (f) =>
        `<tr class="${f.restored ? '' : 'not-restored'}"><td><code>${esc(f.userId)}</code></td><td>${f.restored ? 'restored' : '<b>NOT restored</b>'}</td><td>${visible(f.note ?? '')}</td></tr>`,
    )
    .join('');
  return `<section id="fixtures"><h2>Fixtures</h2>
<details${bad ? ' open' : ''}><summary>${esc(plural(list.length, 'restore'))} of fixture users after the suites, ${bad ? `<b>${esc(bad)} NOT restored</b>` : 'all restored'}; ${esc(list.filter((f) => f.note).length)} with notes</summary>
<div class="scroll"><table class="plain"><thead><tr><th>User</th><th>Restored</th><th>Note</th></tr></thead><tbody>${rows}</tbody></table></div></details></section>`;
}

/** How the run went (results.json execution): requests, steps, why it stopped, and what flow control did. */
function executionSection(results: Results): string {
  const e = results.execution;
  if (!e) return '';
  const flow = e.flow;
  const rows: [string, string][] = [
    [
      'Requests',
      `${e.requests} sent; ${e.steps.done} of ${e.steps.planned} planned steps finished${e.steps.errors ? `, ${e.steps.errors} did not` : ''}${e.steps.notRun ? `, ${e.steps.notRun} not run` : ''}`,
    ],
    ...(e.stopped ? [['Stopped early', e.stopped] as [string, string]] : []),
  ];
  if (flow) {
    rows.push([
      'Throttled answers',
      flow.throttled
        ? `${flow.throttled} (${throttlingStatusText()}), each backed off and sent again; ${Math.round(flow.waitedMs)} ms waited; send rate at the end ${flow.rate === null ? 'unpaced' : `${flow.rate.toFixed(1)} requests/s`}`
        : 'none',
    ]);
    if (flow.unanswered) rows.push(['Without a response', `${flow.unanswered} request(s)`]);
    for (const s of flow.stoppedOperations) rows.push(['Stopped answering', s.message]);
  }
  const perStep = flow ? Object.entries(flow.throttledBySteps).sort((a, b) => b[1] - a[1]) : [];
  const steps = perStep.length
    ? `<details><summary>Throttled answers per step (${esc(perStep.length)})</summary><div class="scroll"><table class="plain"><thead><tr><th>Step</th><th>Throttled</th></tr></thead><tbody>${perStep
        .map(([step, n]) => `<tr><td><code>${esc(step)}</code></td><td>${esc(n)}</td></tr>`)
        .join('')}</tbody></table></div></details>`
    : '';
  return `<section id="execution"><h2>How the run went</h2>
<dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${visible(v)}</dd>`).join('')}</dl>${steps}</section>`;
}

const CSS = `
.top{display:flex;flex-wrap:wrap;gap:12px;align-items:stretch;margin:8px 0 12px}
.verdict{flex:1 1 300px;border-radius:8px;padding:12px 16px;border:1px solid var(--line)}
.v-ok{background:var(--pass-bg);border-color:var(--pass)}.v-bad{background:var(--fail-bg);border-color:var(--fail)}
.verdict-word{font-size:24px;font-weight:800;letter-spacing:.02em}.v-ok .verdict-word{color:var(--pass)}.v-bad .verdict-word{color:var(--fail)}
.score b{font-size:20px}
.tiles{flex:2 1 480px;display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--panel)}
.tile-name{font-size:12px;font-weight:700;color:var(--muted);text-transform:uppercase}.tile-main{font-size:16px;font-weight:700}
.tile-fail{border-color:var(--fail)}.tile-fail .tile-main{color:var(--fail)}.tile-ok .tile-main{color:var(--pass)}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}.meta dt{color:var(--muted)}.meta dd{margin:0;min-width:0;overflow-wrap:anywhere}
.warn{color:var(--fail);font-weight:600}.ok{color:var(--pass);font-weight:600}
ul.failures{padding-left:18px}ul.failures li{margin:2px 0;overflow-wrap:anywhere}
.area h3{border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:20px}.fail-count{color:var(--fail);font-weight:600}
.line{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr 4.5rem 9rem 5rem;gap:4px 12px;align-items:baseline}
.line.head{font-size:12px;color:var(--muted);font-weight:600;padding:2px 8px}
.req{border-left:4px solid var(--line);padding:6px 8px;border-bottom:1px solid var(--line)}
.req.st-pass{border-left-color:var(--pass)}.req.st-fail{border-left-color:var(--fail);background:linear-gradient(90deg,var(--fail-bg),transparent 40%)}
.req.st-error{border-left-color:var(--fail);background:repeating-linear-gradient(135deg,var(--fail-bg) 0 6px,transparent 6px 12px)}.reasons{margin:4px 0 0;padding-left:18px;font-size:13px}
.req.st-skip{border-left-color:var(--skip)}.req.st-n-a{border-left-color:var(--na)}
.req.bl-expected-failure{border-left-color:var(--xfail)}.req.bl-stale,.req.bl-expired{border-left-color:var(--stale)}
.rid{font:600 12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;text-decoration:none}
.title{min-width:0;overflow-wrap:anywhere}.lvl{font-size:12px;font-weight:700;color:var(--muted)}.cases{font-size:12px;color:var(--muted);text-align:right}
.note{margin:4px 0 0;font-size:13px;overflow-wrap:anywhere}.note ul{display:inline;padding:0;margin:0}.note li{display:inline;list-style:none;margin-right:8px}
details.evidence{margin-top:6px}details.evidence>summary{cursor:pointer;color:var(--fail);font-weight:600;overflow-wrap:anywhere}
.failure{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:8px 0;background:var(--bg)}
.failure h4{margin:0 0 4px;font-size:14px}.failure h5{margin:6px 0 2px;font-size:12px;color:var(--muted);text-transform:uppercase}
.problem{font-weight:600;margin:4px 0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}.kv dt{color:var(--muted)}.kv dd{margin:0;overflow-wrap:anywhere}
.exchange{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:8px}
.exchange>div{min-width:0}
.cmdline{display:flex;gap:8px;align-items:flex-start}.cmdline pre{flex:1;min-width:0;margin:0}
.copied{font-size:12px;color:var(--pass);margin-left:4px}
.ctl{color:var(--xfail);background:var(--xfail-bg);border-radius:3px}
.badge.lvl{color:var(--muted);background:var(--panel);border-color:var(--line)}
table.plain{border-collapse:collapse;width:100%}table.plain th,table.plain td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
tr.not-restored td{color:var(--fail)}
.scroll{overflow-x:auto}.nowrap{white-space:nowrap}
footer{margin:32px 0 8px;color:var(--muted);font-size:12px}
[hidden]{display:none!important}
@media (max-width:760px){
 main{padding:8px}
 .line{grid-template-columns:1fr auto}
 .line.head{display:none}
 .line .rid{order:1}.line .st{order:2;text-align:right}.line .title{order:3;grid-column:1/-1}.line .lvl{order:4}.line .cases{order:5}
 .meta,.kv{grid-template-columns:1fr}.meta dt,.kv dt{margin-top:4px}
 .cmdline{flex-direction:column}.cmdline button{align-self:flex-end}
 .filters{position:static}
}
`;

// The page's one script: filters (status, level, area, words; kept in the URL's #fragment), opening a failure's
// evidence when its link is followed, and the copy buttons (navigator.clipboard, else a selected textarea).
const SCRIPT = `(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix [data-requirement-id]'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('#matrix section.area'));
  var status = $('filter-status'), level = $('filter-level'), area = $('filter-area'), text = $('filter-text');
  function matches(r) {
    var s = status.value, st = r.getAttribute('data-status'), bl = r.getAttribute('data-baseline');
    var okStatus = s === 'all' ||
      (s === 'problems' ? ((st === 'fail' && bl !== 'expected-failure') || bl === 'stale' || bl === 'expired') :
      s.indexOf('baseline:') === 0 ? bl === s.slice(9) : st === s);
    var q = text.value.trim().toLowerCase();
    return okStatus && (level.value === 'all' || r.getAttribute('data-level') === level.value) &&
      (area.value === 'all' || r.getAttribute('data-area') === area.value) &&
      (!q || r.getAttribute('data-search').indexOf(q) >= 0);
  }
  function apply(keepHash) {
    var shown = 0;
    rows.forEach(function (r) { var ok = matches(r); r.hidden = !ok; if (ok) shown++; });
    sections.forEach(function (s) { s.hidden = !s.querySelector('[data-requirement-id]:not([hidden])'); });
    $('shown-count').textContent = shown + ' of ' + rows.length + ' shown';
    $('none-shown').hidden = shown > 0;
    if (!keepHash) {
      var parts = [];
      if (status.value !== 'all') parts.push('status=' + encodeURIComponent(status.value));
      if (level.value !== 'all') parts.push('level=' + encodeURIComponent(level.value));
      if (area.value !== 'all') parts.push('area=' + encodeURIComponent(area.value));
      if (text.value.trim()) parts.push('q=' + encodeURIComponent(text.value.trim()));
      try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (e) { /* a sandboxed frame */ }
    }
  }
  function setSelect(sel, value) {
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === value) { sel.value = value; return; }
  }
  function fromHash() {
    var h = location.hash.slice(1);
    if (h.indexOf('=') < 0) return false;
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('='), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (k === 'status') setSelect(status, v); else if (k === 'level') setSelect(level, v);
      else if (k === 'area') setSelect(area, v); else if (k === 'q') text.value = v;
    });
    return true;
  }
  function reveal(id) {
    var row = document.getElementById('req-' + id);
    if (!row) return;
    if (row.hidden) { status.value = 'all'; level.value = 'all'; area.value = 'all'; text.value = ''; apply(true); }
    var d = row.querySelector('details.evidence');
    if (d) d.open = true;
  }
  [status, level, area].forEach(function (el) { el.addEventListener('change', function () { apply(false); }); });
  text.addEventListener('input', function () { apply(false); });
  $('expand-all').addEventListener('click', function () {
    var ds = document.querySelectorAll('#matrix details.evidence');
    var open = !Array.prototype.every.call(ds, function (d) { return d.open; });
    Array.prototype.forEach.call(ds, function (d) { d.open = open; });
    this.textContent = open ? 'Close all evidence' : 'Open all evidence';
  });
  function copyFallback(value) {
    var ta = document.createElement('textarea');
    ta.value = value; ta.setAttribute('readonly', ''); ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  function selectText(el) {
    var range = document.createRange(); range.selectNodeContents(el);
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  }
  document.addEventListener('click', function (e) {
    var t = e.target;
    var jump = t.closest && t.closest('a[href^="#req-"]');
    if (jump) reveal(jump.getAttribute('href').slice(5));
    var b = t.closest && t.closest('button.copy');
    if (!b) return;
    var box = b.closest('.replay'), code = box.querySelector('code'), note = box.querySelector('.copied');
    var value = code.textContent;
    var done = function (ok) {
      note.textContent = ok ? 'copied' : 'selected: press Ctrl+C (Cmd+C) to copy';
      if (!ok) selectText(code);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(function () { done(true); }, function () { done(copyFallback(value)); });
    } else done(copyFallback(value));
  });
  if (fromHash()) apply(true);
  else if (/^#req-/.test(location.hash)) reveal(location.hash.slice(5));
})();
`;

/** The HTML report of one run. */
export function renderHtml(results: Results, extra: ReportExtra = {}): string {
  const r = redactResults(judged(results, extra.baseline), extra.secrets ?? []);
  const view = r.baseline;
  const title = `connect-conformance: ${r.summary.headline} — ${r.operation} against ${r.target.kind} ${r.target.endpoint}`;
  const body = `<main>
<h1 id="operation" data-operation="${esc(r.operation)}">${esc(r.operation)} conformance report <span class="muted">${esc(r.target.kind)} · ${esc(r.target.endpoint)}</span></h1>
${header(r)}
${meta(r)}
${view ? baselineSection(view, r) : ''}
${extra.strength ? strengthSection(extra.strength) : ''}
${failureList(r, view)}
${matrix(r, view)}
${fixtures(r)}
${executionSection(r)}
<footer>Rendered from results.json by ${esc(r.tool.name)} ${esc(r.tool.version)}. Replay commands take credentials from the environment; no secret is written to this page.</footer>
</main>`;
  return page({ title, css: CSS, body, script: SCRIPT });
}
