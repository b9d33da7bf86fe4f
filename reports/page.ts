// The shell of a self-contained HTML page: inline CSS and one inline script allowed by its hash, and a Content
// Security Policy that forbids every network fetch, so that a report opened from disk or a CI artifact store
// loads nothing and runs nothing but its own script — even if a value escaped escaping.
import { createHash } from 'node:crypto';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value, HTML-escaped. */
export const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A value for a class name or a data attribute: letters, digits and dashes only. */
export const slug = (value: string): string =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'x';

const BASE_CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--code:#f3f4f6;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--skip:#6e7781;--skip-bg:#eaeef2;--na:#8c959f;--na-bg:#f6f8fa;
--xfail:#9a6700;--xfail-bg:#fff8c5;--stale:#8250df;--stale-bg:#fbefff;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--panel:#161b22;--code:#1f242c;
--pass:#3fb950;--pass-bg:#12261e;--fail:#f85149;--fail-bg:#2d1214;--skip:#9198a1;--skip-bg:#21262d;--na:#6e7681;--na-bg:#161b22;
--xfail:#d29922;--xfail-bg:#2b2111;--stale:#bc8cff;--stale-bg:#251a38;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1200px;margin:0 auto;padding:16px}
a{color:var(--link)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 6px}
code,pre,kbd{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px;margin:4px 0;overflow:auto;white-space:pre-wrap;word-break:break-word;max-height:24em}
.muted{color:var(--muted)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;line-height:20px;white-space:nowrap;border:1px solid transparent}
.s-pass{color:var(--pass);background:var(--pass-bg)}.s-fail{color:var(--fail);background:var(--fail-bg)}
.s-skip{color:var(--skip);background:var(--skip-bg)}.s-n-a,.s-missing{color:var(--na);background:var(--na-bg);border-color:var(--line)}
.b-expected-failure{color:var(--xfail);background:var(--xfail-bg)}.b-stale,.b-expired{color:var(--stale);background:var(--stale-bg)}.b-not-run{color:var(--skip);background:var(--skip-bg)}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 0;position:sticky;top:0;background:var(--bg);z-index:2;border-bottom:1px solid var(--line)}
.filters label{display:flex;gap:6px;align-items:center}
select,input[type=search],button{font:inherit;color:var(--fg);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:3px 8px}
button{cursor:pointer}button:hover{border-color:var(--muted)}
`;

export interface PageParts {
  title: string;
  css: string;
  body: string;
  script: string;
}

/** One HTML document. The script runs under a CSP that names its hash; nothing may be fetched. */
export function page({ title, css, body, script }: PageParts): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${BASE_CSS}${css}</style>
</head>
<body>
${body}
<script>${script}</script>
</body>
</html>
`;
}
