// Drives Debian's Chromium (through playwright-core, no browser download) against a running
// Tidings at TIDINGS_URL: registers, follows a tag, finds For you as the home page, reads a
// story there (it leaves the list), saves an article and finds it with its read mark on
// /saved, all with plain forms and without a script error.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.TIDINGS_URL;
if (!base) throw new Error('set TIDINGS_URL to the running site');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// The tag most of the latest articles carry (at least three), waiting for the
// demo's articles to arrive.
async function busyTag() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/api/v1/articles?per_page=100`);
      if (response.ok) {
        const { articles } = await response.json();
        const counts = new Map();
        for (const article of articles ?? []) {
          for (const tag of article.tags ?? []) counts.set(tag.slug, (counts.get(tag.slug) ?? 0) + 1);
        }
        const found = [...counts].sort((a, b) => b[1] - a[1]).find(([, count]) => count >= 3);
        if (found) return found[0];
      }
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('no tag of three articles appeared within 120 s');
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  const tag = await busyTag();
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const step = async (name, body) => {
    try { await body(); console.log(`ok   ${name}`); }
    catch (error) { failures += 1; console.log(`FAIL ${name}: ${error.message}`); throw error; }
  };
  const forYouTitles = async () => {
    await page.goto(`${base}/`);
    return page.locator('#for-you .card__title').allInnerTexts();
  };

  await step('anonymous readers are asked to sign in to follow', async () => {
    await page.goto(`${base}/tag/${tag}`);
    assert.match(await page.locator('.reader-controls--prompt').innerText(), /Sign in/);
  });

  await step('register and follow the tag', async () => {
    await page.goto(`${base}/account/register?next=${encodeURIComponent(`/tag/${tag}`)}`);
    await page.fill('#account-name', `follower${Date.now() % 100000}`);
    await page.fill('#account-password', 'a long browser password');
    await Promise.all([page.waitForURL(`**/tag/${tag}`), page.click('button[type=submit]:has-text("Create account")')]);
    await Promise.all([page.waitForURL(`**/tag/${tag}`), page.click('#follow-button')]);
    assert.equal((await page.locator('#follow-button').innerText()).trim(), 'Unfollow');
  });

  let read = '';
  await step('For you is the home page and reading a story takes it off', async () => {
    const before = await forYouTitles();
    assert.ok(before.length >= 1, 'a story on For you');
    assert.equal((await page.locator('h1').innerText()).trim(), 'For you');
    read = before[0];
    await page.locator('#for-you .card__title a').first().click();
    await page.waitForURL(/\/article\/\d+$/);
    assert.equal((await page.locator('#read-button').innerText()).trim(), 'Mark as unread');
    assert.ok(!(await forYouTitles()).includes(read), `${read} still on For you`);
  });

  await step('save an article and find it read on /saved', async () => {
    await page.goBack();
    await page.goto(page.url());
    await Promise.all([page.waitForURL(/\/article\/\d+$/), page.click('#save-button')]);
    assert.equal((await page.locator('#save-button').innerText()).trim(), 'Remove from saved');
    await page.goto(`${base}/saved`);
    assert.deepEqual(await page.locator('#saved-articles .card__title').allInnerTexts(), [read]);
    assert.equal((await page.locator('.read-mark').innerText()).trim(), 'Read');
  });

  await step('the latest news stays a tab away', async () => {
    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL('**/?view=all'), page.click('#latest-tab')]);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Latest news');
  });
  assert.deepEqual(consoleErrors, []);
} finally {
  await browser.close();
}
if (failures > 0) process.exit(1);
console.log('browser test passed');
