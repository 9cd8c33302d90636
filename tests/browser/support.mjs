// What the comfort and accessibility tests share: Debian's Chromium with the flags every
// browser test uses, the step reporter, polling, and the demo's articles and stories.
import { chromium } from 'playwright-core';

export const base = process.env.TIDINGS_URL;
if (!base) throw new Error('set TIDINGS_URL to the running site');

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function until(what, check, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/// Runs the named checks in order, printing ok/FAIL; `failed()` says whether any failed.
export function reporter() {
  let failures = 0;
  return {
    async step(name, body) {
      try { await body(); console.log(`ok   ${name}`); }
      catch (error) { failures += 1; console.log(`FAIL ${name}: ${error.message}`); }
    },
    failed: () => failures > 0,
  };
}

async function json(path) {
  const response = await fetch(base + path);
  if (!response.ok) return null;
  return response.json();
}

/// The demo's articles (as the API lists them), once it has ingested some.
export async function demoArticles() {
  let items = [];
  await until('the demo has articles', async () => {
    try {
      const body = await json('/api/v1/articles');
      items = body?.articles ?? body?.items ?? [];
      return items.length >= 2;
    } catch { return false; }
  }, 120);
  return items;
}

/// The id of a story with more than one article, or of any story.
export async function demoStory() {
  let id = null;
  await until('the demo has stories', async () => {
    try {
      const body = await json('/api/v1/stories');
      const stories = body?.stories ?? body?.items ?? [];
      const story = stories.find((s) => (s.article_ids?.length ?? 0) > 1) ?? stories[0];
      id = story?.id ?? null;
      return id !== null;
    } catch { return false; }
  }, 120);
  return id;
}
