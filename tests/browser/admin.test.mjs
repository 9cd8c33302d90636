// Drives Debian's Chromium (through playwright-core) through the operator's console of a
// running demo at TIDINGS_URL: signs in as the admin TIDINGS_ADMIN (password TIDINGS_ADMIN_PASSWORD),
// removes a demo outlet's feed and adds it back by its site's URL, sees it polled, pauses it,
// retries the dead job the script seeded, and checks that a reader is refused the console.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.TIDINGS_URL;
const admin = process.env.TIDINGS_ADMIN;
const adminPassword = process.env.TIDINGS_ADMIN_PASSWORD;
if (!base || !admin || !adminPassword) {
  throw new Error('set TIDINGS_URL, TIDINGS_ADMIN and TIDINGS_ADMIN_PASSWORD');
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

async function until(what, check, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// The demo ingests its outlets before it serves; wait for the site.
await until('the site answers', async () => {
  try { return (await fetch(`${base}/healthz`)).ok; } catch { return false; }
}, 120);

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
const step = async (name, body) => {
  try { await body(); console.log(`ok   ${name}`); }
  catch (error) { failures += 1; console.log(`FAIL ${name}: ${error.message}`); throw error; }
};

try {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  await step('an anonymous visitor is sent to sign in', async () => {
    await page.goto(`${base}/admin`);
    assert.match(new URL(page.url()).pathname, /^\/account\/signin/);
  });

  await step('the admin signs in and sees the dashboard', async () => {
    await page.fill('#account-name', admin);
    await page.fill('#account-password', adminPassword);
    await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]:has-text("Sign in")')]);
    const text = await page.locator('main').innerText();
    assert.match(text, /Jobs|jobs/);
    assert.match(text, /dead/);
  });

  let feedUrl = '';
  let siteUrl = '';
  await step('a demo feed is removed from the feeds page', async () => {
    await page.goto(`${base}/admin/feeds`);
    const row = page.locator('#feeds tbody tr').first();
    feedUrl = await row.locator('a').first().getAttribute('href');
    siteUrl = new URL('./', feedUrl).toString(); // the outlet's front page
    await Promise.all([page.waitForLoadState('load'), row.locator('button:has-text("Remove")').click()]);
    await page.goto(`${base}/admin/feeds`);
    assert.equal(await page.locator(`#feeds a[href="${feedUrl}"]`).count(), 0);
  });

  await step('the feed is found from its site and added back', async () => {
    await page.fill('#add-url', siteUrl);
    await page.check('#add-feed input[name=allow_private]');
    await Promise.all([page.waitForLoadState('load'), page.click('#add-feed button[type=submit]')]);
    const found = page.locator('#found-feeds li', { hasText: feedUrl });
    assert.equal(await found.count(), 1, `discovery on ${siteUrl} shows ${feedUrl}`);
    await found.locator('input[name=publisher]').fill('Demo Outlet Again');
    await Promise.all([page.waitForLoadState('load'), found.locator('button:has-text("Add this feed")').click()]);
    await page.goto(`${base}/admin/feeds`);
    assert.equal(await page.locator(`#feeds a[href="${feedUrl}"]`).count(), 1);
  });

  await step('the added feed is polled', async () => {
    await until('a first fetch', async () => {
      await page.goto(`${base}/admin/feeds`);
      const row = page.locator('#feeds tbody tr', { has: page.locator(`a[href="${feedUrl}"]`) });
      const cells = await row.locator('td').allInnerTexts();
      return cells.length > 2 && !/never/.test(cells[2]) && /ok/.test(cells[1]);
    });
  });

  await step('the feed is paused', async () => {
    const row = page.locator('#feeds tbody tr', { has: page.locator(`a[href="${feedUrl}"]`) });
    await Promise.all([page.waitForLoadState('load'), row.locator('button:has-text("Pause")').click()]);
    await page.goto(`${base}/admin/feeds?status=paused`);
    const paused = page.locator('#feeds tbody tr', { has: page.locator(`a[href="${feedUrl}"]`) });
    assert.equal(await paused.count(), 1);
    assert.equal(await paused.locator('button:has-text("Resume")').count(), 1);
  });

  await step('the dead job is retried', async () => {
    await page.goto(`${base}/admin/jobs`);
    assert.match(await page.locator('#job-counts').innerText(), /1 dead/);
    const row = page.locator('tr[id^=job-]', { hasText: 'purge_raw_pages' });
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /database was locked/);
    await Promise.all([page.waitForLoadState('load'), row.locator('button:has-text("Retry")').click()]);
    await page.goto(`${base}/admin/jobs`);
    assert.match(await page.locator('#job-counts').innerText(), /0 dead/);
  });

  await step('every action is in the audit log', async () => {
    await page.goto(`${base}/moderation/log`);
    const text = await page.locator('main').innerText();
    for (const action of [/removed a feed\t.*feed 1 /, /added a feed\t/, /paused a feed\t/, /retried a job\t.*job 1/]) {
      assert.match(text, action);
    }
  });

  await step('a reader is refused the console', async () => {
    const reader = await browser.newContext();
    const readerPage = await reader.newPage();
    await readerPage.goto(`${base}/account/register`);
    await readerPage.fill('#account-name', `reader${Date.now() % 100000}`);
    await readerPage.fill('#account-password', 'a long reader password');
    await Promise.all([
      readerPage.waitForURL((url) => !url.pathname.startsWith('/account/register')),
      readerPage.click('button[type=submit]:has-text("Create account")'),
    ]);
    const response = await readerPage.goto(`${base}/admin/feeds`);
    assert.equal(response.status(), 403);
    const post = await readerPage.request.post(`${base}/admin/feeds/refresh-all`, { form: { csrf_token: 'x' } });
    assert.ok([403, 400].includes(post.status()), `POST answered ${post.status()}`);
    await reader.close();
  });
  assert.deepEqual(pageErrors, []);
} finally {
  await browser.close();
}
if (failures > 0) process.exit(1);
console.log('admin browser test passed');
