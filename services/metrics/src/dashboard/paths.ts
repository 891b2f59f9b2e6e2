export type ViewKey = 'target-group' | 'comparison' | 'outcomes' | 'flows';

const base = '/dashboard';

export const dashboardPaths = {
  home: base,
  signIn: `${base}/sign-in`,
  signOut: `${base}/sign-out`,
  stylesheet: `${base}/assets/dashboard.css`,
  view: (key: ViewKey) => `${base}/${key}`,
  csv: (key: ViewKey) => `${base}/csv/${key}`,
};

/** The forms the dashboard posts; the host must accept them form-encoded, not as JSON. */
export const dashboardFormPaths = [dashboardPaths.signIn, dashboardPaths.signOut];

export const views: ReadonlyArray<{ key: ViewKey; label: string; path: string }> = [
  { key: 'target-group', label: 'Målgruppen', path: dashboardPaths.view('target-group') },
  { key: 'comparison', label: 'Jämförelse mellan kartläggningar', path: dashboardPaths.view('comparison') },
  { key: 'outcomes', label: 'Utfall', path: dashboardPaths.view('outcomes') },
  { key: 'flows', label: 'Flöden', path: dashboardPaths.view('flows') },
];
