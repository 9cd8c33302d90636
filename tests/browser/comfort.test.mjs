// Comfort for readers, in Debian's Chromium against a running Tidings at TIDINGS_URL: the
// dark scheme follows the system setting, the keyboard shortcuts (j/k, /, ?) move focus and
// open the shortcuts dialog but never fire while typing or with a modifier, the skip link is
// the first stop of Tab, and the service worker keeps the articles read for offline reading
// and shows the offline page for the rest.
import assert from 'node:assert/strict';
import { base, demoArticles, launch, reporter, until } from './support.mjs';

const articles = await demoArticles();
const [read, unread] = articles.map((a) => `/article/${a.id}`);
const browser = await launch();
const { step, failed } = reporter();

const active = (page) => page.evaluate(() => {
  const element = document.activeElement;
  const card = element?.closest('.card');
  const cards = [...document.querySelectorAll('main .card')];
  return { id: element?.id ?? '', tag: element?.tagName ?? '', className: element?.className ?? '', card: cards.indexOf(card) };
});

try {
  await step('the light and the dark scheme follow the system setting', async () => {
    const colours = {};
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(base + '/');
      colours[colorScheme] = await page.evaluate(() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        return {
          background: style('body').backgroundColor,
          text: style('body').color,
          header: style('.site-header').backgroundColor,
          card: style('.card').backgroundColor,
          link: style('.card__title a').color,
        };
      });
      await context.close();
    }
    assert.equal(colours.light.background, 'rgb(247, 247, 245)');
    assert.equal(colours.light.text, 'rgb(28, 29, 31)');
    assert.equal(colours.dark.background, 'rgb(18, 19, 22)');
    assert.equal(colours.dark.text, 'rgb(231, 232, 234)');
    assert.equal(colours.dark.card, 'rgb(27, 29, 33)');
    assert.equal(colours.dark.link, 'rgb(231, 232, 234)');
  });

  // Reduced motion: the cards scroll into view at once instead of smoothly.
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  await step('Tab reaches the skip link first, shown, and it leads to the content', async () => {
    await page.goto(base + '/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const element = document.activeElement;
      const box = element.getBoundingClientRect();
      return { text: element.textContent.trim(), href: element.getAttribute('href'), left: box.left, top: box.top, width: box.width,
        outline: getComputedStyle(element).outlineStyle };
    });
    assert.equal(first.text, 'Skip to content');
    assert.equal(first.href, '#main');
    assert.ok(first.left >= 0 && first.top >= 0 && first.width > 10, `visible: ${JSON.stringify(first)}`);
    assert.equal(first.outline, 'solid', 'focus is visible');
    await page.keyboard.press('Enter');
    assert.equal((await active(page)).id, 'main');
  });

  await step('j and k move between the cards of a list, focusing each', async () => {
    await page.goto(base + '/');
    const count = await page.locator('main .card').count();
    assert.ok(count >= 3, `${count} cards`);
    await page.keyboard.press('j');
    assert.equal((await active(page)).card, 0);
    assert.equal((await active(page)).tag, 'A');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal((await active(page)).card, 2);
    await page.keyboard.press('k');
    assert.equal((await active(page)).card, 1);
    const seen = await page.locator('main .card').nth(1).evaluate((card) => {
      const box = card.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.ok(seen, 'the focused card is scrolled into view');
    await page.keyboard.press('Alt+j');
    await page.keyboard.press('Control+j');
    assert.equal((await active(page)).card, 1, 'no move with a modifier');
  });

  await step('/ focuses the search box, where letters are typed, not shortcuts', async () => {
    await page.keyboard.press('/');
    assert.equal((await active(page)).id, 'site-search-q');
    await page.keyboard.type('jk?/');
    assert.equal(await page.inputValue('#site-search-q'), 'jk?/');
    assert.equal((await active(page)).id, 'site-search-q');
    assert.equal(await page.locator('#shortcuts').evaluate((d) => d.open), false);
  });

  await step('? opens the shortcuts dialog; Esc closes it and focus returns', async () => {
    await page.goto(base + '/');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('?');
    const dialog = page.locator('#shortcuts');
    assert.equal(await dialog.evaluate((d) => d.open), true);
    assert.equal(await dialog.getAttribute('aria-labelledby'), 'shortcuts-title');
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus is in the dialog');
    assert.match(await dialog.innerText(), /Next article[\s\S]*Search/);
    await page.keyboard.press('j');
    await page.keyboard.press('Escape');
    assert.equal(await dialog.evaluate((d) => d.open), false);
    assert.equal((await active(page)).card, 1, 'focus is back on the card');
    await page.click('footer [data-shortcuts-open]');
    assert.equal(await dialog.evaluate((d) => d.open), true, 'the footer button opens it too');
    await page.click('#shortcuts [data-close]');
    assert.equal(await dialog.evaluate((d) => d.open), false);
  });

  await step('the site is installable: manifest and icons', async () => {
    const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
      const response = await fetch(base + icon.src);
      assert.equal(response.headers.get('content-type'), 'image/png', icon.src);
    }
    const installable = await page.evaluate(() => document.querySelector('link[rel=manifest]').href);
    assert.ok(installable.endsWith('/manifest.webmanifest'));
  });

  await step('the service worker installs and takes the page', async () => {
    await page.goto(base + '/');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until('the page is controlled', () => page.evaluate(() => !!navigator.serviceWorker.controller), 20);
    const shell = await page.evaluate(async () => {
      const names = await caches.keys();
      const name = names.find((n) => n.startsWith('tidings-shell-'));
      const cache = await caches.open(name);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    });
    assert.ok(shell.includes('/offline'), shell.join(' '));
    assert.ok(shell.some((p) => /^\/static\/site\.[0-9a-f]{16}\.css$/.test(p)), shell.join(' '));
  });

  const saved = () => page.evaluate(async () => {
    const cache = await caches.open('tidings-articles');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });

  let readTitle = '';
  await step('an article read is kept; account pages are not', async () => {
    await page.goto(base + read);
    readTitle = (await page.locator('h1').innerText()).trim();
    await until('the article is kept', async () => (await saved()).includes(read), 20);
    await page.goto(`${base}/account/signin`);
    await page.goto(`${base}/search?q=news`);
    const kept = await saved();
    assert.deepEqual(kept.filter((p) => !p.startsWith('/article/')), [], kept.join(' '));
    assert.ok(!kept.includes(unread));
  });

  await step('offline, the article read still loads and another shows the offline page', async () => {
    await context.setOffline(true);
    try {
      await page.goto(base + read);
      assert.equal((await page.locator('h1').innerText()).trim(), readTitle);
      await page.goto(base + unread);
      assert.equal((await page.locator('h1').innerText()).trim(), 'You are offline');
      await page.locator('#offline-saved').waitFor({ state: 'visible', timeout: 5000 });
      const links = await page.locator('#offline-articles a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.includes(read), links.join(' '));
      assert.equal(await page.locator('link[rel=stylesheet]').evaluate((l) => !!l.sheet), true, 'styled offline');
      await page.goto(`${base}/account`);
      assert.equal((await page.locator('h1').innerText()).trim(), 'You are offline');
    } finally {
      await context.setOffline(false);
    }
  });

  await step('no script errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
} finally {
  await browser.close();
}
if (failed()) process.exit(1);
