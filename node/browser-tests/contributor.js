#!/usr/bin/env node
// Browser test: a contributor, with the keyboard alone, signs in with a key generated in the
// browser, reads the campaign's terms, consents, labels `tasks` items with the shortcut keys,
// finds them listed with their status (and, when the service reports anchoring, anchored, with the
// in-page proof check passing), and withdraws the consent.
// stdin: {baseUrl, campaignId, tasks, screenshots, timeoutMs?}
// stdout: {ok, address, answered: [{itemId, answer}], listed: [...], problems, screenshots, figures}
'use strict';
const path = require('path');
const { launch, newPage, tabAndPress, tabToSelectorAndPress, shoot, main } = require('./browser');

main(async (req) => {
  const tasks = req.tasks || 5;
  const timeout = req.timeoutMs || 60000;
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(timeout);
  const keyPresses = { tab: 0 };
  try {
    await page.goto(`${req.baseUrl}/#/contribute`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator(`a[href="#/contribute/${req.campaignId}"]`).first().waitFor();
    await shoot(page, req.screenshots, '01-campaigns', shots);

    // open the campaign with the keyboard
    keyPresses.tab += await tabToSelectorAndPress(page, `a.button[href="#/contribute/${req.campaignId}"]`);
    await page.waitForURL(`**/#/contribute/${req.campaignId}`);

    // sign in with a key created in this browser
    await page.getByText('Create a key in this browser and sign in').waitFor();
    await shoot(page, req.screenshots, '02-sign-in', shots);
    keyPresses.tab += await tabAndPress(page, 'Create a key in this browser');
    await page.locator('.signed-in').waitFor();
    const address = (await page.locator('.signed-in').getAttribute('aria-label')).replace('Signed in as ', '');

    // the terms, in full, then consent
    const termsText = await page.getByRole('region', { name: 'Full text of the terms' }).innerText();
    await shoot(page, req.screenshots, '03-terms', shots);
    keyPresses.tab += await tabAndPress(page, 'I have read the terms', 'Space');
    if (!(await page.locator('#terms-read').isChecked())) throw new Error('the terms checkbox did not toggle with Space');
    keyPresses.tab += await tabAndPress(page, 'Sign my consent');
    await page.getByText('You consented').waitFor({ timeout: 120000 });

    // label by keyboard: shortcut keys only
    const labels = await page.locator('.label-button span').allInnerTexts();
    const answered = [];
    const switchMs = [];
    for (let i = 0; i < tasks; i++) {
      const item = page.locator('.item [data-item-id]');
      await item.waitFor();
      const itemId = Number(await item.getAttribute('data-item-id'));
      if (i === 0) await shoot(page, req.screenshots, '04-labelling', shots);
      const index = i % labels.length;
      const started = Date.now();
      await page.keyboard.press(String(index + 1));
      answered.push({ itemId, answer: labels[index] });
      if (i < tasks - 1) {
        // the next item: a different one, shown from the prefetched lease
        await page.waitForFunction((prev) => {
          const el = document.querySelector('.item [data-item-id]');
          return el && Number(el.getAttribute('data-item-id')) !== prev;
        }, itemId);
        switchMs.push(Date.now() - started);
      }
    }
    await page.waitForFunction((n) => document.querySelector('[data-testid="given-count"]')?.textContent === String(n), tasks);
    await page.waitForFunction(() => !/being signed and sent/.test(document.querySelector('.progress').textContent));
    const outcome = await page.locator('.outcome').innerText();
    await shoot(page, req.screenshots, '05-labelled', shots);

    // my work, reached from the main navigation with the keyboard
    keyPresses.tab += await tabAndPress(page, 'My work');
    await page.waitForURL('**/#/work');
    await page.locator('li.contribution').first().waitFor();
    // anchoring: when the service reports it, wait until every answer is anchored (refreshing the
    // list as a person would), then run the in-page proof check of the first one
    const anchorReported = (await page.locator('li.contribution').first().getAttribute('data-anchor-state')) !== 'unknown';
    if (anchorReported) {
      const until = Date.now() + timeout;
      for (;;) {
        const unanchored = await page.locator('li.contribution[data-anchored="no"]').count();
        if (unanchored === 0) break;
        if (Date.now() > until) throw new Error(`${unanchored} contributions still not anchored`);
        await page.waitForTimeout(1000);
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(300);
      }
      await page.locator('li.contribution').first().getByRole('button', { name: /Check the inclusion proof/ }).focus();
      await page.keyboard.press('Enter');
      await page.locator('li.contribution').first().locator('[data-proof-result]').waitFor();
    }
    const listed = await page.locator('li.contribution').evaluateAll((els) => els.map((el) => ({
      id: Number(el.getAttribute('data-contribution-id')),
      status: el.getAttribute('data-status'),
      anchored: el.getAttribute('data-anchored') === 'yes',
      anchorState: el.getAttribute('data-anchor-state'),
      proof: el.querySelector('[data-proof-result]')?.getAttribute('data-proof-result') || null,
      text: el.innerText,
    })));
    const summary = await page.getByTestId('contribution-summary').innerText();
    await shoot(page, req.screenshots, '06-my-work', shots);

    // the account page: export is offered, with the warning
    keyPresses.tab += await tabAndPress(page, 'Account');
    await page.waitForURL('**/#/account');
    await page.getByText('Show the private key').waitFor();
    await shoot(page, req.screenshots, '07-account', shots);

    // withdraw the consent: back to the campaign, by keyboard, sign the Revocation and wait for the chain
    await page.goto(`${req.baseUrl}/#/contribute/${req.campaignId}`);
    await page.getByText('You consented').waitFor();
    await tabAndPress(page, 'Withdraw consent');
    await page.getByRole('group', { name: 'Confirm withdrawal' }).waitFor();
    await shoot(page, req.screenshots, '08-withdraw', shots);
    await tabAndPress(page, 'Sign the withdrawal');
    await page.getByText('You withdrew your consent').waitFor({ timeout: 120000 });
    const labellerAfterWithdrawal = await page.locator('.labeller').count();
    await shoot(page, req.screenshots, '09-withdrawn', shots);

    return {
      address, termsText, labels, answered, listed, summary, outcome, problems, screenshots: shots, labellerAfterWithdrawal,
      anchorReported,
      figures: { tabPresses: keyPresses.tab, nextItemMs: switchMs },
    };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
