#!/usr/bin/env node
// Browser test: the injected-wallet path. The page gets an EIP-1193 provider (window.ethereum)
// whose requests are answered here, in node, by an ethers.js v6 wallet (an ordinary wallet
// library, standing in for MetaMask's window): eth_requestAccounts, eth_chainId, personal_sign,
// eth_signTypedData_v4. The contributor signs in with it, consents and labels `tasks` items.
// stdin: {baseUrl, campaignId, tasks, screenshots, privateKey, chainId}
// stdout: {ok, address, requests: [{method, primaryType?}], answered, listed, problems}
'use strict';
const path = require('path');
const { Wallet, getBytes } = require('ethers');
const { launch, newPage, tabAndPress, shoot, main } = require('./browser');

main(async (req) => {
  const wallet = new Wallet(req.privateKey);
  const requests = [];
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(req.timeoutMs || 60000);
  try {
    await page.exposeFunction('__testWalletRequest', async (method, params) => {
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          requests.push({ method });
          return [wallet.address];
        case 'eth_chainId':
          return `0x${Number(req.chainId).toString(16)}`;
        case 'personal_sign': {
          if (params[1].toLowerCase() !== wallet.address.toLowerCase()) throw new Error(`personal_sign for ${params[1]}`);
          requests.push({ method, text: Buffer.from(getBytes(params[0])).toString('utf8') });
          return wallet.signMessage(getBytes(params[0]));
        }
        case 'eth_signTypedData_v4': {
          if (params[0].toLowerCase() !== wallet.address.toLowerCase()) throw new Error(`eth_signTypedData_v4 for ${params[0]}`);
          const typed = JSON.parse(params[1]);
          const { EIP712Domain, ...types } = typed.types;
          requests.push({ method, primaryType: typed.primaryType, answer: typed.message.answer });
          return wallet.signTypedData(typed.domain, types, typed.message);
        }
        default:
          throw new Error(`the test wallet does not do ${method}`);
      }
    });
    await page.addInitScript(() => {
      window.ethereum = {
        isTestWallet: true,
        request: ({ method, params }) => window.__testWalletRequest(method, params || []),
        on() {},
        removeListener() {},
      };
    });

    await page.goto(`${req.baseUrl}/#/contribute/${req.campaignId}`);
    await page.getByRole('button', { name: 'Sign in with your wallet' }).waitFor();
    await tabAndPress(page, 'Sign in with your wallet');
    await page.locator('.signed-in').waitFor();
    const address = (await page.locator('.signed-in').getAttribute('aria-label')).replace('Signed in as ', '');

    await tabAndPress(page, 'I have read the terms', 'Space');
    await tabAndPress(page, 'Sign my consent');
    await page.getByText('You consented').waitFor({ timeout: 120000 });

    const labels = await page.locator('.label-button span').allInnerTexts();
    const answered = [];
    for (let i = 0; i < req.tasks; i++) {
      const item = page.locator('.item [data-item-id]');
      await item.waitFor();
      const itemId = Number(await item.getAttribute('data-item-id'));
      await page.keyboard.press(String((i % labels.length) + 1));
      answered.push({ itemId, answer: labels[i % labels.length] });
      if (i < req.tasks - 1) {
        await page.waitForFunction((prev) => {
          const el = document.querySelector('.item [data-item-id]');
          return el && Number(el.getAttribute('data-item-id')) !== prev;
        }, itemId);
      }
    }
    await page.waitForFunction(() => !/being signed and sent/.test(document.querySelector('.progress').textContent));
    await shoot(page, req.screenshots, 'wallet-labelled', shots);

    await page.goto(`${req.baseUrl}/#/work`);
    await page.locator('li.contribution').first().waitFor();
    const listed = await page.locator('li.contribution').evaluateAll((els) => els.map((el) => ({
      id: Number(el.getAttribute('data-contribution-id')), status: el.getAttribute('data-status'),
    })));
    return { address, requests, answered, listed, problems, screenshots: shots };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}; wallet requests: ${JSON.stringify(requests)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
