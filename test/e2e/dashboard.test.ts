import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, FOLLOW_UP, iso, type KaosamScenario, PREVIOUS, seedKaosam } from './kaosam-scenario';
import { root } from './product-process';
import { startTestGateway, type TestGateway } from './sip-harness';

/**
 * The förbund dashboard in headless Chromium (Debian's, driven by playwright-core) over the Kaosam 2
 * scenario built through the public API: sign in with a token, open every view, compare every figure
 * on screen with the API's JSON, download a CSV, check keyboard use and print, run axe (WCAG 2.1 AA)
 * on every page, and leave a screenshot of each view for the README.
 */
const screenshots = path.join(root, 'services/metrics/screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let gateway: TestGateway;
let scenario: KaosamScenario;
let browser: Browser;
let page: Page;
let forbundToken = '';

interface ShownRow {
  cell: string;
  count: string;
}

/** Every table on the page as the browser shows it: its key and each row's exact count. */
async function tablesOnScreen(page: Page): Promise<Record<string, ShownRow[]>> {
  return page.$$eval('section[data-table]', (sections) =>
    Object.fromEntries(
      sections.map((section) => [
        section.getAttribute('data-table') ?? '',
        [...section.querySelectorAll('tr[data-cell]')].map((row) => ({
          cell: row.getAttribute('data-cell') ?? '',
          count: row.getAttribute('data-count') ?? '',
        })),
      ]),
    ),
  );
}

interface ApiTable {
  key: string;
  type: 'additive' | 'overlapping';
  total?: number | null;
  base?: number | null;
  cells: Array<{ key: string; count: number | null }>;
}

/** The same tables from the JSON API, in the shape the page shows them. */
async function tablesFromApi(apiPath: string): Promise<Record<string, ShownRow[]>> {
  const response = await fetch(`${gateway.url}${apiPath}`, {
    headers: { authorization: `Bearer ${forbundToken}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    tables: ApiTable[];
    statistics?: Array<{ key: string; value: number | null }>;
  };
  const shown = (count: number | null | undefined) =>
    count === null || count === undefined ? 'suppressed' : String(count);
  const tables: Record<string, ShownRow[]> = Object.fromEntries(
    body.tables.map((table) => [
      table.key,
      [
        ...table.cells.map((cell) => ({ cell: cell.key, count: shown(cell.count) })),
        { cell: 'total', count: shown(table.type === 'additive' ? table.total : table.base) },
      ],
    ]),
  );
  if (body.statistics?.length)
    tables.statistics = body.statistics.map((s) => ({ cell: s.key, count: shown(s.value) }));
  return tables;
}

async function expectNoAxeViolations(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(violations).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(10);
}

beforeAll(async () => {
  gateway = await startTestGateway({ bodyLimitBytes: 1024 * 1024 });
  scenario = await seedKaosam(gateway);
  forbundToken = scenario.tokens[scenario.forbund.id] ?? '';
  await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    // The machine's network is closed: without these Chromium tries Google's services at every start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    acceptDownloads: true,
    locale: 'sv-SE',
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const views = [
  {
    key: 'target-group',
    link: 'Målgruppen',
    fields: { at: AT },
    api: `/v1/metrics/target-group?at=${AT}`,
  },
  {
    key: 'comparison',
    link: 'Jämförelse mellan kartläggningar',
    fields: { previous: PREVIOUS, at: AT },
    api: `/v1/metrics/target-group?at=${AT}&previous=${PREVIOUS}`,
  },
  {
    key: 'outcomes',
    link: 'Utfall',
    fields: { baseline: AT, followUp: FOLLOW_UP },
    api: `/v1/metrics/outcomes?baseline=${AT}&followUp=${FOLLOW_UP}`,
  },
  {
    key: 'flows',
    link: 'Flöden',
    fields: { from: iso(-1), to: iso(1) },
    api: `/v1/metrics/flows?from=${iso(-1)}&to=${iso(1)}`,
  },
] as const;

describe('the förbund dashboard in Chromium', () => {
  it('asks for sign-in, refuses a bad token in Swedish, and signs in with the förbund’s token', async () => {
    await page.goto(`${gateway.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: path.join(screenshots, 'sign-in.png') });

    await page.getByLabel('Åtkomsttoken').fill('inte.en.token');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('kunde inte kontrolleras');

    // An agency without metrics:read is refused too.
    const regionToken = await gateway.tokenFor(scenario.region, 'status:read');
    await page.getByLabel('Åtkomsttoken').fill(regionToken);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('samordningsförbund');

    await page.getByLabel('Åtkomsttoken').fill(forbundToken);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL('**/dashboard/target-group');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Målgruppen vid ett datum');
    expect(await page.textContent('header')).toContain(scenario.forbund.id);
  });

  for (const view of views) {
    it(`shows ${view.key} with the API's figures, as tables and charts, without accessibility violations`, async () => {
      await page.getByRole('navigation', { name: 'Vyer' }).getByRole('link', { name: view.link }).click();
      for (const [name, value] of Object.entries(view.fields))
        await page.fill(`input[name="${name}"]`, value);
      await page.getByRole('button', { name: 'Visa' }).click();
      await page.waitForURL((url) => url.searchParams.size > 0);

      const onScreen = await tablesOnScreen(page);
      const fromApi = await tablesFromApi(view.api);
      expect(Object.keys(onScreen).sort()).toEqual(Object.keys(fromApi).sort());
      for (const [key, rows] of Object.entries(fromApi)) expect(onScreen[key], key).toEqual(rows);
      expect(Object.keys(onScreen).length).toBeGreaterThan(1);

      // Every table has its chart, named by the table's title and described in words.
      const charts = await page.$$eval('figure.chart svg[role="img"]', (svgs) =>
        svgs.map((svg) => ({
          label: svg.getAttribute('aria-label'),
          description:
            svg.ownerDocument.getElementById(svg.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
        })),
      );
      expect(charts.length).toBe(Object.keys(onScreen).filter((key) => key !== 'statistics').length);
      for (const chart of charts) {
        expect(chart.label).toBeTruthy();
        expect(chart.description).toMatch(/^Stapeldiagram över /);
      }
      // The definitions are one click away.
      await page.locator('details.definitions summary').click();
      expect(await page.locator('details.definitions dl').isVisible()).toBe(true);

      await expectNoAxeViolations(page);
      await page.screenshot({ path: path.join(screenshots, `${view.key}.png`), fullPage: true });
    });
  }

  it('shows suppressed cells as <5 with the explanation', async () => {
    await page.goto(`${gateway.url}/dashboard/target-group?at=${AT}`);
    // Three people have positive SGI in the scenario: hidden, never shown as 3.
    const sgi = page.locator('section[data-table="sgi"]');
    expect(await sgi.locator('tr[data-cell="positive"] td').first().textContent()).toContain('<5');
    expect(await page.locator('#undertryckt').textContent()).toContain('färre än 5 personer');
  });

  it('downloads a table as CSV with the figures of the API’s CSV', async () => {
    await page.goto(`${gateway.url}/dashboard/target-group?at=${AT}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('section[data-table="certificate_issuer"] a[download]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`samsyn-target-group-certificate_issuer-${AT}.csv`);
    const file = await readFile((await download.path()) ?? '', 'utf8');
    const apiCsv = await (
      await fetch(`${gateway.url}/v1/metrics/target-group?at=${AT}`, {
        headers: { authorization: `Bearer ${forbundToken}`, accept: 'text/csv' },
      })
    ).text();
    const apiLines = apiCsv.trim().split('\n');
    const expected = [apiLines[0], ...apiLines.filter((line) => line.startsWith('certificate_issuer,'))];
    expect(file.trim().split('\n')).toEqual(expected);
    expect(file).toMatch(/certificate_issuer,.*,primary_care,.*,87,/);
  });

  it('works from the keyboard: the skip link leads to the content', async () => {
    await page.goto(`${gateway.url}/dashboard/flows`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent?.trim()')).toBe('Hoppa till innehållet');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('innehall');
  });

  it('prints for board papers: no navigation or forms, definitions written out', async () => {
    await page.goto(`${gateway.url}/dashboard/target-group?at=${AT}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.views').isVisible()).toBe(false);
    expect(await page.locator('form.choose').isVisible()).toBe(false);
    expect(await page.locator('.print-only').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'target-group-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.emulateMedia({ media: 'screen' });
  });

  it('signs out, and the pages ask for sign-in again', async () => {
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL('**/dashboard/sign-in');
    await page.goto(`${gateway.url}/dashboard/outcomes`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
  });
});
