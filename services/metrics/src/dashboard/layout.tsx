import type { Child } from 'hono/jsx';
import { dashboardPaths, type ViewKey, views } from './paths';

export interface PageProps {
  title: string;
  /** The signed-in förbund or kommun; absent on the sign-in page. */
  signedInAs?: string;
  current?: ViewKey;
  children: Child;
}

/** Every page's frame: skip link, header with sign-out, the views as navigation, and the content. */
export function Page({ title, signedInAs, current, children }: PageProps) {
  return (
    <html lang="sv">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – Samsyn uppföljning`}</title>
        <link rel="stylesheet" href={dashboardPaths.stylesheet} />
      </head>
      <body>
        <a class="skip" href="#innehall">
          Hoppa till innehållet
        </a>
        <header class="site">
          <a class="brand" href={dashboardPaths.home}>
            Samsyn – uppföljning för samordningsförbund
          </a>
          {signedInAs ? (
            <form method="post" action={dashboardPaths.signOut}>
              <span>Inloggad som {signedInAs} </span>
              <button type="submit">Logga ut</button>
            </form>
          ) : null}
        </header>
        {signedInAs ? (
          <nav class="views" aria-label="Vyer">
            <ul>
              {views.map((view) => (
                <li>
                  <a href={view.path} aria-current={view.key === current ? 'page' : undefined}>
                    {view.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="innehall" tabindex={-1}>
          {children}
        </main>
        <footer class="site">
          Samsyn visar bara tal där ingen enskild person kan pekas ut. Uppgifterna kommer från parternas
          publicerade ärendestatus och räknas bara för personer som samtyckt till uppföljning.
        </footer>
      </body>
    </html>
  );
}
