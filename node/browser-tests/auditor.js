#!/usr/bin/env node
// Browser test: an auditor opens the audit page, picks a listed dataset of the service by keyboard,
// has the page fetch its audit bundle from GET /api/datasets/{id}/audit-bundle and verify it against
// the chain through the public JSON-RPC endpoint, and reads every check's result; then loads a copy
// of that bundle with one answer hash changed (as a file) and reads the failures the page names.
// Screenshots at 1280 px and 375 px.
// stdin: {baseUrl, datasetId, screenshots, timeoutMs?}
// stdout: {ok, served: {checks: [{id, ok}]}, tampered: {contributionId, checks: [{id, ok}], failures: [{check, text}]},
//          downloadName, problems, screenshots}
'use strict';
const path = require('path');
const { keccak256, toUtf8Bytes } = require('ethers');
const { launch, newPage, tabTo, tabToSelectorAndPress, shoot, main } = require('./browser');

async function checks(page) {
  return page.locator('li[data-check]').evaluateAll((items) => items.map((li) => ({
    id: li.getAttribute('data-check'), ok: li.getAttribute('data-check-ok'),
  })));
}

/** Presses Tab until the Verify button has focus, then Enter; waits for the result of this (the n-th) run. */
async function verify(page, n) {
  await tabToSelectorAndPress(page, 'button[type="submit"].primary');
  const result = page.locator(`[data-audit-ok][data-run="${n}"]`);
  await result.waitFor();
  return result.getAttribute('data-audit-ok');
}

main(async (req) => {
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(req.timeoutMs || 60000);
  try {
    await page.goto(`${req.baseUrl}/#/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit a dataset' }).waitFor();
    await page.locator('section[data-ready="yes"]').waitFor();
    if (await page.locator('section[data-waiting]').count() > 0) throw new Error('the audit page says the service has no bundles');
    await page.locator(`#audit-dataset option[value="${req.datasetId}"]`).waitFor({ state: 'attached' });
    await shoot(page, req.screenshots, 'a1-audit-page', shots);

    // keyboard only: from the heading, Tab to the dataset list and move down it to the dataset
    await tabTo(page, 'the dataset list', '(() => document.activeElement && document.activeElement.id === "audit-dataset")()');
    for (let i = 0; i < 20; i++) {
      if (await page.locator('#audit-dataset').inputValue() === String(req.datasetId)) break;
      await page.keyboard.press('ArrowDown');
    }
    if (await page.locator('#audit-dataset').inputValue() !== String(req.datasetId)) {
      throw new Error(`could not choose dataset ${req.datasetId} in the list by keyboard`);
    }
    const downloadHref = await page.getByRole('link', { name: 'download the bundle' }).getAttribute('href');
    const servedOk = await verify(page, 1);
    const served = await checks(page);
    const servedHeading = await page.locator('#audit-result-title').innerText();
    await shoot(page, req.screenshots, 'a2-served-bundle-verified', shots);

    // the same bundle, one answer hash changed: as an auditor would load a file they were handed
    const response = await fetch(`${req.baseUrl}/api/datasets/${req.datasetId}/audit-bundle`);
    const bundle = await response.json();
    const victim = bundle.contributions[0];
    victim.answerHash = keccak256(toUtf8Bytes('an answer nobody gave'));
    await tabTo(page, 'the file source', '(() => document.activeElement && document.activeElement.type === "radio")()',
      { shift: true });
    await page.keyboard.press('ArrowDown'); // radio group: the arrow moves to (and selects) "A bundle file"
    await page.locator('#audit-file').waitFor();
    await page.locator('#audit-file').setInputFiles({
      name: 'tampered.audit.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)),
    });
    const tamperedOk = await verify(page, 2);
    const tampered = await checks(page);
    const tamperedHeading = await page.locator('#audit-result-title').innerText();
    const failures = await page.locator('li[data-check-ok="false"]').evaluateAll((items) => items.map((li) => ({
      check: li.getAttribute('data-check'), text: li.innerText,
    })));
    await page.locator('li[data-check="signature"]').scrollIntoViewIfNeeded();
    await shoot(page, req.screenshots, 'a3-tampered-file-fails', shots);
    return {
      downloadHref,
      served: { ok: servedOk, heading: servedHeading, checks: served },
      tampered: { ok: tamperedOk, heading: tamperedHeading, contributionId: victim.id, checks: tampered, failures },
      problems, screenshots: shots,
    };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
