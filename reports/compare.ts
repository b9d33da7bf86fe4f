// The comparison page: several results.json side by side, a column per run (mocks, emulators, the real service;
// or the same target over time), a row per requirement, cells coloured by status — as wpt.fyi shows browsers. The
// runs are of one operation (runs of different operations are refused). Runs of the same target (same kind and
// endpoint) are put in startedAt order, and a requirement that fails in a run after passing in the one before is
// marked newly failing; one that passes after failing, newly passing.
import type { Status } from '../engine/results.ts';
import { esc, page, slug } from './page.ts';
import type { Results } from '../engine/results.ts';
import { redactResults } from './sanitize.ts';
import { scoreText } from '../engine/summary.ts';
import { judged } from './verdict.ts';
import { operationOf } from './results-schema.ts';
import { UsageError } from '../core/errors.ts';

type Change = 'newly-failing' | 'newly-passing';

export interface CompareInput {
  /** The column's name (the results file's folder, usually). */
  label: string;
  results: Results;
  /** A link to the run's own report (index.html), relative to the comparison page. */
  href?: string;
}

interface Column {
  label: string;
  results: Results;
  href?: string;
  /** kind and endpoint: runs with the same key are runs of the same target. */
  target: string;
  /** The column of the previous run of the same target (in startedAt order), if any. */
  previous?: number;
}

interface Cell {
  status: Status | 'missing';
  cases: number;
  failureCount: number;
  problem?: string;
  change?: Change;
}

interface CompareRow {
  id: string;
  level: string;
  area: string;
  title: string;
  cells: Cell[];
  /** The statuses differ between columns. */
  differs: boolean;
}

export interface Comparison {
  /** The operation every run tested. */
  operation: string;
  columns: Column[];
  rows: CompareRow[];
  changes: { id: string; column: number; previous: number; change: Change }[];
}

const targetKey = (r: Results) => `${r.target.kind} ${r.target.endpoint}`;

/** The data of the comparison: columns in the order given, rows in catalogue order. */
export function compareRuns(inputs: CompareInput[]): Comparison {
  // Runs of different operations have different requirements: side by side they would compare nothing.
  const operations = inputs.map((i) => operationOf(i.results));
  const other = operations.findIndex((o) => o !== operations[0]);
  if (other >= 0)
    throw new UsageError(
      `compare: the results are of different operations (${operations[0]} in ${inputs[0]!.label}, ${operations[other]} in ${inputs[other]!.label}); compare runs of one operation`,
    );
  // Each column states its run's verdict as the run's own reports do (with the baseline it was judged against).
  const columns: Column[] = inputs.map((i) => ({
    label: i.label,
    results: judged(i.results),
    target: targetKey(i.results),
    ...(i.href ? { href: i.href } : {}),
  }));
  const byTarget = new Map<string, number[]>();
  for (const [i, c] of columns.entries()) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), i]);
  for (const idx of byTarget.values()) {
    const ordered = [...idx].sort((a, b) => columns[a]!.results.startedAt.localeCompare(columns[b]!.results.startedAt) || a - b);
    ordered.forEach((col, k) => {
      if (k > 0) columns[col]!.previous = ordered[k - 1];
    });
  }
  const ids: string[] = [];
  const meta = new Map<string, { level: string; area: string; title: string }>();
  for (const c of columns)
    for (const r of c.results.requirements)
      if (!meta.has(r.id)) {
        ids.push(r.id);
        meta.set(r.id, { level: r.level, area: r.area, title: r.title });
      }
  const lookup = columns.map((c) => new Map(c.results.requirements.map((r) => [r.id, r])));
  const changes: Comparison['changes'] = [];
  const rows = ids.map((id): CompareRow => {
    const cells = columns.map((_, i): Cell => {
      const r = lookup[i]!.get(id);
      if (!r) return { status: 'missing', cases: 0, failureCount: 0 };
      return {
        status: r.status,
        cases: r.cases,
        failureCount: r.failureCount,
        ...(r.failures[0] ? { problem: r.failures[0].problem } : {}),
      };
    });
    cells.forEach((cell, i) => {
      const prev = columns[i]!.previous;
      if (prev === undefined) return;
      const before = cells[prev]!.status;
      let change: Change | undefined;
      if (cell.status === 'fail' && before !== 'fail' && before !== 'missing') change = 'newly-failing';
      else if (cell.status === 'pass' && before === 'fail') change = 'newly-passing';
      if (change) {
        cell.change = change;
        changes.push({ id, column: i, previous: prev, change });
      }
    });
    return { id, ...meta.get(id)!, cells, differs: new Set(cells.map((c) => c.status)).size > 1 };
  });
  return { operation: operations[0] ?? '', columns, rows, changes };
}

const CSS = `
.runs{overflow-x:auto}
table.matrix{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
.matrix th,.matrix td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
.matrix thead th{position:sticky;top:0;background:var(--bg);z-index:1;border-bottom:2px solid var(--line);vertical-align:bottom;min-width:8.5rem}
.matrix th.req{position:sticky;left:0;background:var(--bg);z-index:1;min-width:12rem;max-width:24rem;font-weight:400}
.matrix thead th.req{z-index:3}
.matrix .rid{font:600 12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.matrix .title{display:block;color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.matrix td.c{text-align:center;vertical-align:middle;font-weight:600;white-space:nowrap}
.matrix td.s-missing{font-weight:400}
.matrix tr.area th{background:var(--panel);position:static;font-size:13px;text-transform:none}
.chg{display:block;font-size:11px;font-weight:700}
td.newly-failing{outline:2px solid var(--fail);outline-offset:-2px}td.newly-passing{outline:2px solid var(--pass);outline-offset:-2px}
.colhead{font-weight:700;overflow-wrap:anywhere}.colmeta{font-weight:400;font-size:12px;color:var(--muted);overflow-wrap:anywhere}
.v-ok{color:var(--pass)}.v-bad{color:var(--fail)}
ul.changes li{overflow-wrap:anywhere}
`;

const SCRIPT = `(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#compare-matrix tr[data-requirement-id]'));
  var areas = Array.prototype.slice.call(document.querySelectorAll('#compare-matrix tr.area'));
  var level = document.getElementById('filter-level'), differs = document.getElementById('filter-differs');
  var changed = document.getElementById('filter-changed'), text = document.getElementById('filter-text');
  function apply() {
    var shown = 0, q = text.value.trim().toLowerCase();
    rows.forEach(function (r) {
      var ok = (level.value === 'all' || r.getAttribute('data-level') === level.value) &&
        (!differs.checked || r.getAttribute('data-differs') === 'true') &&
        (!changed.checked || r.hasAttribute('data-change')) &&
        (!q || r.getAttribute('data-search').indexOf(q) >= 0);
      r.hidden = !ok; if (ok) shown++;
    });
    areas.forEach(function (a) {
      var area = a.getAttribute('data-area');
      a.hidden = !rows.some(function (r) { return !r.hidden && r.getAttribute('data-area') === area; });
    });
    document.getElementById('shown-count').textContent = shown + ' of ' + rows.length + ' shown';
  }
  [level, differs, changed].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
})();
`;

const CHANGE_WORD: Record<Change, string> = { 'newly-failing': '▼ newly failing', 'newly-passing': '▲ newly passing' };

/** The comparison page: one self-contained HTML file. */
export function renderCompare(comparison: Comparison, extra: { secrets?: readonly string[] } = {}): string {
  const secrets = extra.secrets ?? [];
  const columns = comparison.columns.map((c) => ({ ...c, results: redactResults(c.results, secrets) }));
  const head = columns
    .map((c, i) => {
      const r = c.results;
      const prev = c.previous !== undefined ? `after column ${c.previous + 1}` : '';
      return `<th scope="col" data-column="${i}"><div class="colhead">${i + 1}. ${c.href ? `<a href="${esc(c.href)}">${esc(c.label)}</a>` : esc(c.label)}</div><div class="colmeta">${esc(r.target.kind)} · ${esc(r.target.endpoint)}<br>${esc(r.target.identityManagementTypes.join(', '))}<br>${esc(r.startedAt)}${prev ? `<br>${esc(prev)}` : ''}</div><div class="${r.summary.passed ? 'v-ok' : 'v-bad'} verdict" data-verdict="${esc(r.summary.verdict)}">${esc(r.summary.headline)}</div><div class="colmeta">MUST ${esc(scoreText(r.summary.must))}; SHOULD ${esc(scoreText(r.summary.should))}</div></th>`;
    })
    .join('');
  const areas: string[] = [];
  for (const r of comparison.rows) if (!areas.includes(r.area)) areas.push(r.area);
  const body = areas
    .map((area) => {
      const rows = comparison.rows.filter((r) => r.area === area);
      return `<tr class="area" data-area="${esc(area)}"><th colspan="${columns.length + 1}">${esc(area)}</th></tr>\n${rows
        .map((row) => {
          const change = row.cells.some((c) => c.change) ? ' data-change="true"' : '';
          const cells = row.cells
            .map((cell) => {
              const tip = [
                cell.status === 'missing' ? 'not in this run' : `${cell.cases} case(s)`,
                cell.failureCount ? `${cell.failureCount} failing` : '',
                cell.problem ?? '',
              ]
                .filter(Boolean)
                .join(' — ');
              return `<td class="c s-${slug(cell.status)}${cell.change ? ` ${cell.change}` : ''}" data-status="${esc(cell.status)}"${cell.change ? ` data-change="${cell.change}"` : ''} title="${esc(tip)}">${esc(cell.status === 'missing' ? '—' : cell.status)}${cell.change ? `<span class="chg">${esc(CHANGE_WORD[cell.change])}</span>` : ''}</td>`;
            })
            .join('');
          return `<tr data-requirement-id="${esc(row.id)}" data-level="${esc(row.level)}" data-area="${esc(row.area)}" data-differs="${row.differs}"${change} data-search="${esc(`${row.id} ${row.title}`.toLowerCase())}"><th scope="row" class="req"><span class="rid">${esc(row.id)}</span> <span class="badge lvl">${esc(row.level)}</span><span class="title">${esc(row.title)}</span></th>${cells}</tr>`;
        })
        .join('\n')}`;
    })
    .join('\n');
  const changeList = comparison.changes.length
    ? `<ul class="changes" id="changes">${comparison.changes
        .map(
          (ch) =>
            `<li><b class="${ch.change === 'newly-failing' ? 'v-bad' : 'v-ok'}">${esc(CHANGE_WORD[ch.change])}</b> <code>${esc(ch.id)}</code> in ${ch.column + 1}. ${esc(columns[ch.column]!.label)} (${esc(columns[ch.column]!.target)}), compared with ${ch.previous + 1}. ${esc(columns[ch.previous]!.label)}${ch.change === 'newly-failing' && comparison.rows.find((r) => r.id === ch.id)?.cells[ch.column]?.problem ? `: ${esc(comparison.rows.find((r) => r.id === ch.id)!.cells[ch.column]!.problem)}` : ''}</li>`,
        )
        .join('')}</ul>`
    : `<p class="muted" id="changes">No requirement newly fails or newly passes between runs of the same target${columns.some((c) => c.previous !== undefined) ? '' : ' (no two runs share a target: kind and endpoint)'}.</p>`;
  const levels = [...new Set(comparison.rows.map((r) => r.level))];
  const html = `<main>
<h1>${esc(comparison.operation)} conformance comparison <span class="muted">${esc(columns.length)} runs · ${esc(comparison.rows.length)} requirements</span></h1>
<h2>Changes</h2>
${changeList}
<h2>Matrix</h2>
<div class="filters">
<label>Level <select id="filter-level"><option value="all">all</option>${levels.map((l) => `<option value="${esc(l)}">${esc(l)}</option>`).join('')}</select></label>
<label><input type="checkbox" id="filter-differs"> only where runs differ</label>
<label><input type="checkbox" id="filter-changed"> only changes</label>
<label>Find <input type="search" id="filter-text" placeholder="ID or words" autocomplete="off"></label>
<span class="muted" id="shown-count">${esc(comparison.rows.length)} of ${esc(comparison.rows.length)} shown</span>
</div>
<div class="runs"><table class="matrix" id="compare-matrix"><thead><tr><th class="req" scope="col">Requirement</th>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>
<footer>Each column is one results.json; open its folder's index.html for the evidence of a failure.</footer>
</main>`;
  return page({
    title: `connect-conformance comparison of ${columns.length} runs of ${comparison.operation}`,
    css: CSS,
    body: html,
    script: SCRIPT,
  });
}
