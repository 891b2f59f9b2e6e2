/**
 * The dashboard's one stylesheet, served as a file so the pages' CSP can forbid inline styles and all
 * scripts. Colours meet WCAG 2.1 AA contrast on white (text #1b1b1b 17:1, links #1f4e79 9:1, muted
 * #4a4a4a 8.9:1); focus is always visible; print drops navigation and forms for board papers.
 */
export const dashboardCss = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1rem;
  line-height: 1.5; color: #1b1b1b; background: #fff; }
a { color: #1f4e79; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
header.site { background: #1f4e79; color: #fff; padding: .75rem 1.5rem; display: flex; flex-wrap: wrap;
  align-items: center; justify-content: space-between; gap: 1rem; }
header.site a, header.site button { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.125rem; text-decoration: none; }
header.site form { margin: 0; }
header.site button { background: transparent; border: 1px solid #fff; border-radius: 4px; padding: .25rem .75rem;
  font: inherit; cursor: pointer; }
nav.views ul { list-style: none; margin: 0; padding: 0 1.5rem; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem;
  border-bottom: 1px solid #c8c8c8; }
nav.views a { display: inline-block; padding: .75rem 0; text-decoration: none; }
nav.views a[aria-current="page"] { font-weight: 700; border-bottom: 4px solid #1f4e79; }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
.lead { color: #4a4a4a; margin-top: 0; }
form.choose { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 1rem; margin: 0 0 1rem; padding: 1rem;
  background: #f3f5f8; border-radius: 6px; }
form.choose label, form.signin label { display: block; font-weight: 600; margin-bottom: .25rem; }
input, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid #595959; border-radius: 4px; }
textarea { width: 100%; min-height: 8rem; font-family: ui-monospace, monospace; font-size: .875rem; }
button.primary { font: inherit; font-weight: 600; background: #1f4e79; color: #fff; border: 0; border-radius: 4px;
  padding: .5rem 1.25rem; cursor: pointer; }
.meta { color: #4a4a4a; font-size: .9375rem; }
details.definitions { margin: 0 0 1.5rem; border: 1px solid #c8c8c8; border-radius: 6px; padding: .5rem 1rem; }
details.definitions summary { cursor: pointer; font-weight: 600; }
details.definitions dt { font-weight: 600; margin-top: .5rem; }
details.definitions dd { margin: 0 0 .25rem 0; }
section.report-table { margin: 0 0 2.5rem; break-inside: avoid; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
@media (max-width: 60rem) { .pair { grid-template-columns: 1fr; } }
figure.chart { margin: 0; }
figure.chart svg { display: block; width: 100%; height: auto; color: #1b1b1b; }
figure.chart svg text { white-space: pre; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid #d6d6d6; text-align: left; }
td.number, th.number { text-align: right; }
tfoot th, tfoot td { border-top: 2px solid #1b1b1b; font-weight: 700; }
.suppressed { font-style: italic; }
.downloads { margin: .5rem 0 0; font-size: .9375rem; }
.notice { border-left: 4px solid #1f4e79; background: #f3f5f8; padding: .75rem 1rem; margin: 0 0 1.5rem; }
.error { border-left: 4px solid #a4262c; background: #fdf3f4; padding: .75rem 1rem; margin: 0 0 1.5rem; }
form.signin { max-width: 40rem; }
form.signin p { margin: 0 0 1rem; }
.print-only { display: none; }
footer.site { border-top: 1px solid #c8c8c8; padding: 1rem 1.5rem; color: #4a4a4a; font-size: .875rem; }
@media print {
  header.site, nav.views, form.choose, .downloads, .skip, footer.site form { display: none !important; }
  main { padding: 0; max-width: none; }
  body { font-size: 10.5pt; }
  details.definitions { display: none; }
  .print-only { display: block !important; }
  .pair { grid-template-columns: 1fr 1fr; }
  section.report-table { page-break-inside: avoid; }
  a { color: #1b1b1b; text-decoration: none; }
}
`;
