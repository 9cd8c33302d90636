// Accessibility of every page type, in Debian's Chromium against a running Tidings at
// TIDINGS_URL: axe-core (from node_modules, no CDN) checks WCAG 2.1 A and AA on the home,
// article, story, tag, source, search, briefing, sign-in, account, moderation, console,
// following, saved, For you, offline and error pages, in the light and the dark scheme,
// and fails on any serious or critical violation. Signs in as the admin TIDINGS_ADMIN (password TIDINGS_ADMIN_PASSWORD).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { base, demoArticles, demoStory, launch, reporter } from './support.mjs';

const admin = process.env.TIDINGS_ADMIN;
const adminPassword = process.env.TIDINGS_ADMIN_PASSWORD;
if (!admin || !adminPassword) throw new Error('set TIDINGS_ADMIN and TIDINGS_ADMIN_PASSWORD');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const articles = await demoArticles();
const article = articles.find((a) => a.tags.length > 0) ?? articles[0];
const story = await demoStory();
const tag = article.tags[0]?.slug;
const source = article.publisher_slug;
assert.ok(tag && source, `an article with a tag and a source: ${JSON.stringify(article).slice(0, 300)}`);
const word = article.title.split(/\s+/).find((w) => w.length > 4) ?? 'news';

const anonymousPages = {
  home: '/',
  article: `/article/${article.id}`,
  story: `/story/${story}`,
  tag: `/tag/${encodeURIComponent(tag)}`,
  source: `/source/${encodeURIComponent(source)}`,
  search: `/search?q=${encodeURIComponent(word)}`,
  'empty search': '/search?q=zzzzqqqq',
  briefing: '/briefing',
  'sign-in': '/account/signin',
  register: '/account/register',
  'second page': '/?page=2',
  offline: '/offline',
  error: '/article/999999999',
};
const adminPages = {
  'article, signed in': `/article/${article.id}`,
  'tag, signed in': `/tag/${encodeURIComponent(tag)}`,
  'story, signed in': `/story/${story}`,
  following: '/following',
  saved: '/saved',
  'latest news tab': '/?view=all',
  account: '/account',
  moderation: '/moderation',
  'moderation log': '/moderation/log',
  console: '/admin',
  'console feeds': '/admin/feeds',
  'console users': '/admin/users',
  'console jobs': '/admin/jobs',
  'console settings': '/admin/settings',
};

async function violations(page, path) {
  await page.goto(base + path);
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  assert.ok(result.passes.length > 10, `axe checked the page (${result.passes.length} rules passed)`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

const browser = await launch();
const { step, failed } = reporter();
try {
  for (const colorScheme of ['light', 'dark']) {
    // axe-core goes in as an inline script, which the site's CSP rightly refuses; the
    // test alone lifts it.
    const context = await browser.newContext({ colorScheme, bypassCSP: true });
    const page = await context.newPage();
    for (const [name, path] of Object.entries(anonymousPages)) {
      await step(`${name} (${colorScheme}): no serious or critical violation`, async () => {
        assert.deepEqual(await violations(page, path), []);
      });
    }
    await page.goto(`${base}/account/signin`);
    await page.fill('#account-name', admin);
    await page.fill('#account-password', adminPassword);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/account/signin')),
      page.click('button[type=submit]:has-text("Sign in")')]);
    for (const [name, path] of Object.entries(adminPages)) {
      await step(`${name} (${colorScheme}): no serious or critical violation`, async () => {
        assert.deepEqual(await violations(page, path), []);
      });
    }
    await step(`for you (${colorScheme}): no serious or critical violation`, async () => {
      await page.goto(`${base}/tag/${encodeURIComponent(tag)}`);
      if ((await page.textContent('#follow-button'))?.startsWith('Follow')) {
        await page.click('#follow-button');
        await page.waitForSelector('#follow-button:has-text("Unfollow")');
      }
      await page.goto(`${base}/`);
      assert.ok(await page.locator('#for-you-heading').count() > 0, 'the home page is For you');
      assert.deepEqual(await violations(page, '/'), []);
    });
    await context.close();
  }
} finally {
  await browser.close();
}
if (failed()) process.exit(1);
