// Drives Debian's Chromium (through playwright-core, no browser download) against a running
// Tidings at TIDINGS_URL: registers, comments, replies, edits, sees the thread, and checks
// that script smuggled into a comment never runs.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.TIDINGS_URL;
if (!base) throw new Error('set TIDINGS_URL to the running site');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

async function firstArticlePath() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/api/v1/articles`);
      if (response.ok) {
        const body = await response.json();
        const items = body.articles ?? body.items ?? body;
        if (Array.isArray(items) && items.length > 0) return `/article/${items[0].id}`;
      }
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('no articles appeared within 120 s');
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const dialogs = [];
let failures = 0;
try {
  const articlePath = await firstArticlePath();
  const page = await browser.newPage();
  page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  const step = async (name, body) => {
    try { await body(); console.log(`ok   ${name}`); }
    catch (error) { failures += 1; console.log(`FAIL ${name}: ${error.message}`); throw error; }
  };

  const name = `reader${Date.now() % 100000}`;
  await step('an empty discussion says so', async () => {
    await page.goto(base + articlePath);
    const text = await page.locator('#comments').innerText();
    assert.match(text, /No comments yet/);
  });

  await step('register and come back to the article', async () => {
    await page.goto(`${base}/account/register?next=${encodeURIComponent(articlePath)}`);
    await page.fill('#account-name', name);
    await page.fill('#account-password', 'a long browser password');
    await Promise.all([page.waitForURL(`**${articlePath}`), page.click('button[type=submit]:has-text("Create account")')]);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'tidings_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
  });

  await step('post a comment', async () => {
    await page.fill('#comment-body', 'First *comment* from the browser');
    await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('button:has-text("Post comment")')]);
    const body = page.locator('li.comment[data-depth="0"] .comment__body').first();
    assert.equal((await body.innerText()).trim(), 'First comment from the browser');
    assert.equal(await body.locator('em').count(), 1);
  });

  await step('reply to it', async () => {
    const first = page.locator('li.comment[data-depth="0"]').first();
    await first.locator('details.comment__reply summary').click();
    await first.locator('details.comment__reply textarea').fill('A reply in the thread');
    await Promise.all([page.waitForURL(/#comment-\d+$/), first.locator('button:has-text("Post reply")').click()]);
    const reply = page.locator('li.comment[data-depth="1"] .comment__body');
    assert.equal((await reply.innerText()).trim(), 'A reply in the thread');
  });

  await step('edit the first comment', async () => {
    const first = page.locator('li.comment[data-depth="0"]').first();
    await first.locator('details.comment__edit summary').click();
    await first.locator('details.comment__edit textarea').fill('Edited comment from the browser');
    await Promise.all([page.waitForURL(/#comment-\d+$/), first.locator('button:has-text("Save")').click()]);
    const edited = page.locator('li.comment[data-depth="0"]').first();
    assert.equal((await edited.locator('.comment__body').innerText()).trim(), 'Edited comment from the browser');
    assert.match(await edited.locator('.comment__meta').innerText(), /\(edited\)/);
  });

  await step('the thread shows both comments and the count', async () => {
    await page.goto(base + articlePath);
    assert.match(await page.locator('.comments__count').innerText(), /2 comments/);
    assert.equal(await page.locator('#comments li.comment').count(), 2);
  });

  const payloads = [
    '<script>window.__pwned = 1; alert("script")</script>',
    '<img src=x onerror="window.__pwned = 2; alert(\'img\')">',
    '<svg onload="window.__pwned = 3">',
    '[click me](javascript:window.__pwned=4)',
    '<a href="javascript:window.__pwned=5">click</a>',
    '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>',
  ];
  await step('XSS payloads in comments do not run', async () => {
    for (const payload of payloads) {
      await page.goto(base + articlePath);
      await page.fill('#comment-body', payload);
      await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('button:has-text("Post comment")')]);
    }
    await page.goto(`${base}${articlePath}?order=newest`);
    await page.waitForTimeout(500);
    for (const link of await page.locator('#comments .comment__body a').all()) {
      await link.click({ modifiers: [], trial: false, noWaitAfter: true }).catch(() => {});
    }
    await page.goto(`${base}${articlePath}?order=newest`);
    await page.waitForTimeout(500);
    const pwned = await page.evaluate(() => window.__pwned);
    assert.equal(pwned, undefined, 'a payload ran');
    assert.deepEqual(dialogs, [], 'a payload opened a dialog');
    const text = await page.locator('#comments').innerText();
    assert.match(text, /<script>window.__pwned = 1/, 'payload shown as text');
    const csp = (await page.request.get(base + articlePath)).headers()['content-security-policy'];
    assert.match(csp, /script-src/);
  });
  assert.deepEqual(consoleErrors, []);
} finally {
  await browser.close();
}
if (failures > 0) process.exit(1);
console.log('browser test passed');
