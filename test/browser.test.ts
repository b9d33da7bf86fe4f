// The HTML report in a real browser: headless Chromium (Debian's /usr/bin/chromium, which .ci/run installs) driven
// by playwright-core opens a report with failures, written by writeReports from a run whose environment held a
// secret key and a session token and whose evidence echoes them. It checks: no console error and no network
// request; one row per requirement of results.json; a failure's evidence opens on a click and shows its replay
// command, which the copy button copies; the status filter hides passing rows; a narrow window has no sideways
// scrolling; junit.xml parses as XML; the comparison page renders; and no secret appears in any file under the
// report directory. It saves a screenshot (docs/report.png when that file is missing or UPDATE_SCREENSHOT=1).
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, renderCompare } from '../reports/compare.ts';
import type { Results } from '../engine/results.ts';
import { writeReports } from '../reports/write.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
const SCREENSHOT = join(ROOT, 'docs', 'report.png');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`test/browser.test.ts skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`);

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY-BROWSER-TEST-SECRET';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEBROWSERTESTSESSIONTOKEN0123456789';
const SIGNATURE = 'b'.repeat(64);
const ATTACK = '</script><script>alert(1)</script>';

const load = (name: string): Results => JSON.parse(readFileSync(join(ROOT, 'examples', 'results', name), 'utf8')) as Results;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe.skipIf(!haveChromium)('the HTML report in headless Chromium', () => {
  let dir: string;
  let results: Results;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-browser-'));
    // A run with failures whose environment held credentials, and whose evidence carries them.
    results = load('module-failing.json');
    const failure = results.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')!.failures[0]!;
    failure.request!.headers.authorization = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;
    failure.request!.headers['x-amz-security-token'] = SESSION_TOKEN;
    failure.request!.headers['x-echo'] = SECRET_KEY;
    failure.response!.body = JSON.stringify({ message: `not found; you sent ${SECRET_KEY} and ${SESSION_TOKEN}` });
    failure.input = { IdentityInfo: { FirstName: ATTACK, LastName: `"><img src=x onerror=alert(2)>` } };
    const saved = { key: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
    process.env.AWS_SECRET_ACCESS_KEY = SECRET_KEY;
    process.env.AWS_SESSION_TOKEN = SESSION_TOKEN;
    try {
      writeReports(dir, results);
    } finally {
      if (saved.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.key;
      if (saved.token === undefined) delete process.env.AWS_SESSION_TOKEN;
      else process.env.AWS_SESSION_TOKEN = saved.token;
    }

    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'cc-chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 900 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:')) requests.push(url);
      return url.startsWith('file:') ? route.continue() : route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders with one row per requirement of results.json, no console error, no request, no injected script', async () => {
    expect(await page.locator('#matrix [data-requirement-id]').count()).toBe(results.requirements.length);
    const ids = await page
      .locator('#matrix [data-requirement-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-requirement-id')));
    expect(ids).toEqual(results.requirements.map((r) => r.id));
    expect(await page.locator('#verdict').textContent()).toContain('NOT CONFORMANT');
    expect(await page.locator('#score').textContent()).toContain(
      `MUST ${results.summary.must.passed}/${results.summary.must.passed + results.summary.must.failed}`,
    );
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it("opens a failure's evidence on a click and shows its replay command, which the copy button copies", async () => {
    const row = page.locator('[data-requirement-id="EX-UNKNOWN-USER"]');
    const replay = results.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')!.failures[0]!.replay;
    const command = row.locator('.replay code').first();
    expect(await command.isVisible()).toBe(false);
    await row.locator('details.evidence > summary').click();
    expect(await command.isVisible()).toBe(true);
    expect(await command.textContent()).toBe(replay);
    expect(await row.locator('pre.input').first().textContent()).toContain(ATTACK);
    expect(await row.locator('pre.response').first().textContent()).toContain('HTTP 400');
    await row.locator('button.copy').first().click();
    await row
      .locator('.copied')
      .first()
      .filter({ hasText: /copied|selected/ })
      .waitFor({ timeout: 5000 });
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('the status filter hides passing rows and keeps the failing ones', async () => {
    const failing = results.requirements.filter((r) => r.status === 'fail').map((r) => r.id);
    await page.selectOption('#filter-status', 'fail');
    expect(await page.locator('#matrix [data-status="pass"]:visible').count()).toBe(0);
    expect(await page.locator('#matrix [data-requirement-id]:visible').count()).toBe(failing.length);
    expect(await page.locator('#shown-count').textContent()).toBe(`${failing.length} of ${results.requirements.length} shown`);
    await page.selectOption('#filter-level', 'SHOULD');
    expect(await page.locator('#matrix [data-requirement-id]:visible').count()).toBe(0);
    expect(await page.locator('#none-shown').isVisible()).toBe(true);
    await page.selectOption('#filter-level', 'all');
    // the screenshot the README shows: the failures, one with its (unaltered) evidence open
    await page.locator('[data-requirement-id="EX-UNKNOWN-USER"] details.evidence > summary').click();
    await page.locator('[data-requirement-id="EX-UNKNOWN-INSTANCE"] details.evidence > summary').click();
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1480 } });
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOT === '1') copyFileSync(join(dir, 'report.png'), SCREENSHOT);
    await page.selectOption('#filter-status', 'all');
    expect(await page.locator('#matrix [data-requirement-id]:visible').count()).toBe(results.requirements.length);
  });

  it('reads in a narrow window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 380, height: 800 });
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
        .documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('junit.xml parses as XML with one testcase per requirement, and one for the run', async () => {
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      interface XmlElement {
        getAttribute(name: string): string | null;
        getElementsByTagName(name: string): ArrayLike<XmlElement>;
      }
      const Parser = (globalThis as unknown as { DOMParser: new () => { parseFromString(text: string, type: string): XmlElement } })
        .DOMParser;
      const doc = new Parser().parseFromString(text, 'application/xml');
      const cases = Array.from(doc.getElementsByTagName('testcase'));
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        cases: cases.length,
        failed: cases.filter((c) => c.getElementsByTagName('failure').length).map((c) => c.getAttribute('name')!.split(' ')[0]),
        skipped: cases.filter((c) => c.getElementsByTagName('skipped').length).length,
      };
    }, xml);
    expect(parsed.errors).toBe(0);
    expect(parsed.cases).toBe(results.requirements.length + 1);
    // the failing requirements, and the run's verdict testcase (NOT CONFORMANT: it fails exactly when the exit code is not 0)
    expect(parsed.failed.sort()).toEqual([...results.requirements.filter((r) => r.status === 'fail').map((r) => r.id), 'verdict:'].sort());
    expect(parsed.skipped).toBe(results.requirements.filter((r) => r.status === 'skip' || r.status === 'n/a').length);
  });

  it('the comparison page renders a cell per run and requirement and marks what newly fails', async () => {
    const html = renderCompare(
      compareRuns([
        { label: 'passing', results: load('module-passing.json') },
        { label: 'failing', results },
      ]),
      { secrets: [SECRET_KEY, SESSION_TOKEN] },
    );
    const file = join(dir, 'compare.html');
    writeFileSync(file, html);
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('#compare-matrix tr[data-requirement-id]').count()).toBe(results.requirements.length);
    expect(await page.locator('#compare-matrix td.c').count()).toBe(2 * results.requirements.length);
    expect(await page.locator('td[data-change="newly-failing"]').count()).toBe(
      results.requirements.filter((r) => r.status === 'fail').length,
    );
    await page.check('#filter-changed');
    expect(await page.locator('#compare-matrix tr[data-requirement-id]:visible').count()).toBe(
      results.requirements.filter((r) => r.status === 'fail').length,
    );
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('no secret of the run appears anywhere under the report directory', () => {
    const files = filesUnder(dir);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'compare.html',
      'index.html',
      'junit.xml',
      'report.png',
      'results.json',
    ]);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of [SECRET_KEY, SESSION_TOKEN, SIGNATURE])
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
    }
  });
});
