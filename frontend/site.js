// The portal's one script for every page, a few kilobytes: pages work without it (and without
// JavaScript at all); with it,
// - the main navigation folds behind its "Menú" button on narrow screens;
// - following a link to another page of the portal, or sending a search form (GET), fetches the new
//   page and swaps it in without a full load, as a single-page app would, with the focus moved to the
//   content and the history kept;
// - the interactive parts of a page (Leptos islands: the report form, the follow-up) are hydrated by
//   the WebAssembly of that page alone, loaded when a page has such a part. A page without one loads
//   no WebAssembly at all.
// Loaded as a module with the page's CSP nonce; the modules it imports are trusted by 'strict-dynamic'.

const loaded = new Map();

/** Imports a page bundle's glue and instantiates its WebAssembly, once per bundle. */
function bundle(host) {
  const js = host.dataset.bundleJs;
  if (!loaded.has(js)) {
    loaded.set(
      js,
      import(js).then(async (module) => {
        await module.default({ module_or_path: host.dataset.bundleWasm });
        module.hydrate();
        return module;
      }),
    );
  }
  return loaded.get(js);
}

/** Hydrates every island of the page with its bundle; marks the document once all are done. */
async function hydrateIslands() {
  const hosts = [...document.querySelectorAll('[data-bundle-js]')];
  const root = document.documentElement;
  root.dataset.islands = hosts.length === 0 ? 'none' : 'loading';
  try {
    for (const host of hosts) {
      const module = await bundle(host);
      for (const island of host.querySelectorAll('leptos-island')) {
        const hydrateIsland = module[island.dataset.component];
        if (!hydrateIsland || island.hydrated) continue;
        island.hydrated = true;
        hydrateIsland(island);
      }
    }
    if (hosts.length > 0) root.dataset.islands = 'hydrated';
  } catch (error) {
    // The page keeps working as it does without JavaScript (plain forms); say why in the console.
    root.dataset.islands = 'failed';
    console.error('the interactive part of this page could not load', error);
  }
}

/** The menu: shown folded behind its button where the stylesheet folds it (narrow screens). */
function setUpMenu() {
  const toggle = document.querySelector('.site-nav__toggle');
  const links = document.getElementById(toggle?.getAttribute('aria-controls') ?? '');
  if (!toggle || !links) return;
  const show = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    links.classList.toggle('site-nav__links--folded', !open);
  };
  toggle.hidden = false;
  show(false);
  toggle.addEventListener('click', () => show(toggle.getAttribute('aria-expanded') !== 'true'));
}

/** Whether a click on `link` is a move to another page of the portal that this script may make. */
function isPageLink(link, event) {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (link.hasAttribute('download') || (link.target && link.target !== '_self')) return false;
  if (link.relList.contains('external')) return false;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return false;
  // A link within the page (the skip link, the error summary) is the browser's.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return false;
  // Files (open data), the API and anything that is not a page.
  return !/\.[a-z0-9]+$/i.test(url.pathname) && !url.pathname.startsWith('/api/');
}

let navigation = 0;
// The page on show (path and query): moving between anchors of one page is the browser's business.
let shown = location.pathname + location.search;

/** Fetches `url` and shows it in place of the current page; a full load if that cannot be done. */
async function visit(url, { push = true } = {}) {
  const current = ++navigation;
  let response;
  try {
    response = await fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
  } catch {
    location.assign(url);
    return;
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) {
    location.assign(url);
    return;
  }
  const html = await response.text();
  if (current !== navigation) return; // a later navigation won
  const next = new DOMParser().parseFromString(html, 'text/html');
  const finalUrl = response.redirected ? response.url : url;
  if (push) history.pushState({ portal: true }, '', finalUrl);
  shown = location.pathname + location.search;
  document.title = next.title;
  document.documentElement.lang = next.documentElement.lang;
  document.body.replaceWith(document.adoptNode(next.body));
  setUpMenu();
  const target = new URL(finalUrl, location.href).hash.slice(1);
  const anchor = target && document.getElementById(decodeURIComponent(target));
  if (anchor) {
    anchor.scrollIntoView();
  } else {
    window.scrollTo(0, 0);
    // Screen readers then read the new page's content, as after a full load.
    document.querySelector('main')?.focus({ preventScroll: true });
  }
  await hydrateIslands();
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || !isPageLink(link, event)) return;
  event.preventDefault();
  visit(link.href);
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
  // Only searches and filters: a form that sends something (POST) is always a full request.
  if ((form.getAttribute('method') ?? 'get').toLowerCase() !== 'get') return;
  const url = new URL(form.action, location.href);
  if (url.origin !== location.origin) return;
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form, event.submitter)) {
    if (typeof value === 'string') query.append(name, value);
  }
  url.search = query.toString();
  event.preventDefault();
  visit(url.href);
});

window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== shown) visit(location.href, { push: false });
});

setUpMenu();
hydrateIslands();
