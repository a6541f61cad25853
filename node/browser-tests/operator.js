#!/usr/bin/env node
// Browser test: the operator pages. An operator imports their key on the Operator page's sign-in,
// finds the Operator item in the navigation, reads the activity log (two entries a page, then
// "Load older"), sees an entry the test adds through the API appear without a reload (the page
// polls), opens Campaigns and expands one campaign's contributors. Then a non-operator signs in:
// no Operator item, and the page's direct URL says they are not an operator.
// stdin: {baseUrl, operatorKey, otherKey, operatorToken, termsHash, expandCampaignId, screenshots, timeoutMs?}
// stdout: {ok, operatorAddress, otherAddress, firstPage, activity, polled, pollMs, contributors, nonOperator,
//          unnamedControls, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, tabAndPress, tabToSelectorAndPress, shoot, main } = require('./browser');

main(async (req) => {
  const timeout = req.timeoutMs || 60000;
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(timeout);

  async function importKeyAndSignIn(key) {
    await tabAndPress(page, 'Import a key');
    await page.locator('#import-key-text').waitFor();
    await page.locator('#import-key-text').focus();
    await page.keyboard.type(key);
    await tabAndPress(page, 'Import and sign in');
    await page.locator('.signed-in').waitFor();
    return (await page.locator('.signed-in').getAttribute('aria-label')).replace('Signed in as ', '');
  }
  const rows = () => page.locator('table.activity tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: Number(tr.dataset.entryId),
    actor: tr.querySelector('.actor').getAttribute('aria-label') || tr.querySelector('.actor').textContent,
    action: tr.dataset.action,
    subject: tr.querySelector('.subject').textContent,
    when: tr.querySelector('time').getAttribute('datetime'),
  })));
  const operatorNavItems = () => page.locator('nav[aria-label="Main"] a[href="#/operator"]').count();
  const unnamed = () => page.locator('main').evaluate((root) => [...root.querySelectorAll('button, a, input, select')]
    .filter((el) => !((el.getAttribute('aria-label') || '') + el.textContent + (el.labels ? [...el.labels].map((l) => l.textContent).join('') : '')).trim())
    .map((el) => el.outerHTML.slice(0, 120)));
  const unnamedControls = {};

  try {
    // signed out, the operator page asks for a sign-in; the operator imports their key there
    await page.goto(`${req.baseUrl}/#/operator/activity?limit=2`);
    await page.locator('#signin-title').waitFor();
    const navBefore = await operatorNavItems();
    const operatorAddress = await importKeyAndSignIn(req.operatorKey);
    await page.locator('nav[aria-label="Main"] a[href="#/operator"]').waitFor();

    await page.locator('table.activity tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.activity tbody tr').length === 2);
    const firstPage = await rows();
    await tabAndPress(page, 'Load older');
    await page.waitForFunction(() => !document.querySelector('main button:disabled')
      && document.querySelectorAll('table.activity tbody tr').length > 2);
    // everything there is: pages of two until there is no older one
    while (await page.getByRole('button', { name: 'Load older' }).count()) {
      const before = (await rows()).length;
      await page.getByRole('button', { name: 'Load older' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('table.activity tbody tr').length > n
        || !document.querySelector('main button'), before);
    }
    const activity = await rows();
    unnamedControls.activity = await unnamed();
    await shoot(page, req.screenshots, 'o1-activity', shots);

    // a change made elsewhere shows up without a reload, within one poll
    const reply = await fetch(`${req.baseUrl}/api/campaigns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${req.operatorToken}` },
      body: JSON.stringify({ name: 'Polled campaign', instructions: 'Pick one.', taskType: 'single_choice',
        labels: ['yes', 'no'], termsHash: req.termsHash, overlap: 1 }),
    });
    if (reply.status !== 201) throw new Error(`creating the polled campaign: ${reply.status} ${await reply.text()}`);
    const polledId = (await reply.json()).id;
    const sent = Date.now();
    await page.waitForFunction((n) => document.querySelectorAll('table.activity tbody tr').length === n + 1,
      activity.length, { timeout: 25000 });
    const pollMs = Date.now() - sent;
    const polled = (await rows())[0];
    polled.campaignId = polledId;

    // campaigns: reached from the section menu by keyboard, one campaign's contributors expanded
    await tabToSelectorAndPress(page, 'nav[aria-label="Operator"] a[href="#/operator/campaigns"]');
    await page.locator(`li[data-campaign-id="${req.expandCampaignId}"]`).waitFor();
    const toggle = `li[data-campaign-id="${req.expandCampaignId}"] button[aria-controls]`;
    await tabToSelectorAndPress(page, toggle);
    await page.locator(`li[data-campaign-id="${req.expandCampaignId}"] table.data tbody tr`).first().waitFor();
    const expanded = await page.locator(toggle).getAttribute('aria-expanded');
    const contributors = await page.locator(`li[data-campaign-id="${req.expandCampaignId}"] table.data tbody tr`)
      .evaluateAll((trs) => trs.map((tr) => ({
        contributor: tr.dataset.contributor,
        gold: tr.querySelector('[data-cell="gold"]').textContent,
        goldAccuracy: tr.querySelector('[data-cell="gold-accuracy"]').textContent,
        estimated: tr.querySelector('[data-cell="estimated"]').textContent,
      })));
    const campaignLinks = await page.locator('ul.overview li h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const campaignMeta = await page.locator('ul.overview li .meta').allInnerTexts();
    unnamedControls.campaigns = await unnamed();
    await shoot(page, req.screenshots, 'o2-campaigns', shots);

    // someone else: no Operator item, and the page itself says why there is nothing
    await tabAndPress(page, 'Sign out', 'Enter', { shift: true });
    await page.locator('#signin-title').waitFor();
    const otherAddress = await importKeyAndSignIn(req.otherKey);
    await page.locator('[data-testid="not-operator"]').waitFor();
    const nonOperator = {
      navItems: await operatorNavItems(),
      message: await page.locator('[data-testid="not-operator"]').innerText(),
      tables: await page.locator('table').count(),
    };
    await page.goto(`${req.baseUrl}/#/contribute`);
    await page.locator('main h1').waitFor();
    // the URL typed in afresh: a new load of the app, whose session is restored before it decides
    await page.goto(`${req.baseUrl}/#/operator/campaigns`);
    await page.locator('[data-testid="not-operator"]').waitFor();
    await page.waitForLoadState('networkidle');
    await page.reload();
    await page.locator('[data-testid="not-operator"]').waitFor();
    nonOperator.directCampaignsMessage = await page.locator('[data-testid="not-operator"]').innerText();
    nonOperator.directCampaignsTables = await page.locator('table, ul.overview').count();
    nonOperator.navItemsOnDirectUrl = await operatorNavItems();
    await shoot(page, req.screenshots, 'o3-not-an-operator', shots);

    return {
      operatorAddress, otherAddress, navBefore, firstPage, activity, polled, pollMs, expanded, contributors,
      campaignLinks, campaignMeta, nonOperator, unnamedControls, problems, screenshots: shots,
    };
  } catch (e) {
    fs.mkdirSync(req.screenshots, { recursive: true });
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
