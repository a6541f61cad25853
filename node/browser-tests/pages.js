#!/usr/bin/env node
// Browser test: the buyer and auditor pages as a visitor finds them (the catalogue, or a plain
// "waiting" note while the service has no datasets routes), and the audit page refusing a file
// that is not an audit bundle with a readable message. Screenshots at both widths.
// stdin: {baseUrl, screenshots}
// stdout: {ok, buyWaiting, auditWaiting, auditError, problems, screenshots}
'use strict';
const path = require('path');
const { launch, newPage, shoot, main } = require('./browser');

main(async (req) => {
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(req.timeoutMs || 60000);
  try {
    await page.goto(`${req.baseUrl}/#/buy`);
    await page.getByRole('heading', { level: 1, name: 'Datasets for sale' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('main .busy'));
    const buyWaiting = await page.locator('section[data-waiting]').count() > 0;
    await shoot(page, req.screenshots, 'buy', shots);

    await page.goto(`${req.baseUrl}/#/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit a dataset' }).waitFor();
    await page.getByLabel('Chain JSON-RPC endpoint').waitFor();
    await page.locator('section[data-ready="yes"]').waitFor();
    const auditWaiting = await page.locator('section[data-waiting]').count() > 0;
    const rpcPrefilled = await page.getByLabel('Chain JSON-RPC endpoint').inputValue();
    // with the bundle route the file input is one of two sources, chosen by its radio button
    if (!auditWaiting) await page.getByRole('radio', { name: /A bundle file/ }).check();
    await page.locator('#audit-file').setInputFiles({
      name: 'not-a-bundle.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"something-else","version":1}'),
    });
    await page.getByRole('button', { name: 'Verify' }).focus();
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const auditError = await alert.innerText();
    await shoot(page, req.screenshots, 'audit', shots);
    return { buyWaiting, auditWaiting, rpcPrefilled, auditError, problems, screenshots: shots };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
