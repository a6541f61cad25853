#!/usr/bin/env node
// Browser test: a buyer opens the catalogue, a listed dataset's page (facts, sample), imports
// their key into the page, buys (approve + purchase sent from that key through the public
// JSON-RPC endpoint), waits for the licence and downloads the JSONL export.
// stdin: {baseUrl, datasetId, privateKey, screenshots, downloads, timeoutMs?}
// stdout: {ok, address, licensed, download: {name, path, bytes}, sampleItems, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, tabAndPress, tabToSelectorAndPress, shoot, main } = require('./browser');

main(async (req) => {
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(req.timeoutMs || 60000);
  try {
    await page.goto(`${req.baseUrl}/#/buy`);
    await page.locator(`li[data-dataset-id="${req.datasetId}"]`).waitFor();
    await page.waitForFunction(() => !document.querySelector('main .busy'));
    await shoot(page, req.screenshots, 'b1-catalogue', shots);

    await tabToSelectorAndPress(page, `a.button[href="#/buy/${req.datasetId}"]`);
    await page.waitForURL(`**/#/buy/${req.datasetId}`);
    await page.locator('ol.sample li').first().waitFor();
    const sampleItems = await page.locator('ol.sample li').count();

    // sign in by importing the buyer's key (the account that holds the tokens)
    await tabAndPress(page, 'Import a key');
    await page.locator('#import-key-text').waitFor();
    await page.locator('#import-key-text').focus();
    await page.keyboard.type(req.privateKey);
    await tabAndPress(page, 'Import and sign in');
    await page.locator('[data-licensed="no"]').waitFor();
    const address = (await page.locator('.signed-in').getAttribute('aria-label')).replace('Signed in as ', '');
    await page.waitForFunction(() => /Your balance/.test(document.querySelector('[data-licensed]').textContent));
    await shoot(page, req.screenshots, 'b2-dataset', shots);

    await tabAndPress(page, 'Buy for');
    await page.locator('[data-licensed="yes"]').waitFor({ timeout: 120000 });
    await shoot(page, req.screenshots, 'b3-licensed', shots);

    const downloading = page.waitForEvent('download');
    await tabAndPress(page, 'Download JSONL');
    const download = await downloading;
    fs.mkdirSync(req.downloads, { recursive: true });
    const saved = path.join(req.downloads, download.suggestedFilename());
    await download.saveAs(saved);
    await page.getByText(/Downloaded /).waitFor();
    return {
      address, licensed: true, sampleItems, problems, screenshots: shots,
      download: { name: download.suggestedFilename(), path: saved, bytes: fs.statSync(saved).size },
    };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
