// The contributor's own contributions (GET /api/contributions/me) and what the page derives from
// them. Fields other branches add (quality: gold scores; anchoring: batch, transaction, proof)
// are read when present and ignored when not, so the page works against any version of the API.
import { api } from './api.js';

const PAGE = 1000;

/** One page of my contributions after `afterId`. */
export function contributionsPage(afterId = 0, limit = 100) {
  return api('GET', `/api/contributions/me?afterId=${afterId}&limit=${limit}`);
}

function num(v) {
  return v === null || v === undefined || v === '' ? null : Number(v);
}

const ANCHOR_STATES = {
  pending: 'Waiting to be put in a batch',
  batched: 'In a batch; its anchoring transaction is not sent yet',
  sent: 'Anchoring transaction sent',
  mined: 'Anchoring transaction mined; waiting for confirmations',
  anchored: 'Anchored',
};

export function anchorStateText(state) {
  return ANCHOR_STATES[state] || state;
}

/**
 * Where a contribution's anchoring stands, from a /contributions/me row: `anchor` is the state
 * (pending, batched, sent, mined, anchored) with `batchId`, `txHash`, `blockNumber` beside it; an
 * object under `anchor` with the same fields is read too. Null when the API says nothing about it.
 */
export function anchorOf(c) {
  const a = c.anchor && typeof c.anchor === 'object' ? c.anchor : c;
  const state = typeof c.anchor === 'string' ? c.anchor : (a.state ?? null);
  const batchId = num(a.batchId);
  if (state === null && batchId === null) return null;
  const resolved = state || 'anchored';
  return {
    state: resolved,
    anchored: resolved === 'anchored',
    batchId,
    txHash: a.txHash ?? null,
    blockNumber: num(a.blockNumber),
    anchoredAt: a.anchoredAt ?? null,
  };
}

/** The inclusion proof of my contribution `id` (GET /api/contributions/{id}/proof). */
export function proofOf(id) {
  return api('GET', `/api/contributions/${id}/proof`);
}

/** Gold information of one contribution, when the API gives it. */
export function goldOf(c) {
  const g = c.gold;
  if (g === true || (g && typeof g === 'object')) {
    const correct = typeof g === 'object' ? (g.correct ?? g.agrees ?? null) : (c.goldCorrect ?? c.correct ?? null);
    return { correct: correct === null ? null : Boolean(correct) };
  }
  return null;
}

/**
 * Gold figures: the service's per-campaign `scores` (quality: goldSeen, goldCorrect, the smoothed
 * goldAccuracy, the accuracy floor) for `campaignId`, or added up over every campaign when it is
 * undefined; null when the service reports none.
 */
export function goldSummary(reply, rows, campaignId) {
  const scores = reply && Array.isArray(reply.scores) ? reply.scores : null;
  if (scores) {
    const mine = scores.filter((sc) => campaignId === undefined || sc.campaignId === campaignId);
    if (!mine.length) return null;
    const answered = mine.reduce((n, sc) => n + (num(sc.goldSeen) || 0), 0);
    const correct = mine.reduce((n, sc) => n + (num(sc.goldCorrect) || 0), 0);
    const below = mine.filter((sc) => sc.belowFloor);
    const status = below.length
      ? `below the accuracy floor${campaignId === undefined ? ` in campaign ${below.map((sc) => sc.campaignId).join(', ')}` : ''}: no more tasks there`
      : null;
    return { answered, correct, status, accuracy: null };
  }
  const graded = rows.map(goldOf).filter((g) => g && g.correct !== null);
  if (!graded.length) return null;
  return { answered: graded.length, correct: graded.filter((g) => g.correct).length, status: null, accuracy: null };
}

/**
 * My figures for one campaign: answers, statuses, gold; reads up to `maxPages` pages of 1000.
 */
export async function loadStats(campaignId, maxPages = 5) {
  let after = 0;
  let rows = [];
  let first = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await contributionsPage(after, PAGE);
    if (!first) first = page;
    rows = rows.concat(page.contributions);
    if (page.nextAfterId === null || page.nextAfterId === undefined) break;
    after = page.nextAfterId;
  }
  const mine = rows.filter((c) => campaignId === undefined || c.campaignId === campaignId);
  const byStatus = {};
  for (const c of mine) byStatus[c.status] = (byStatus[c.status] || 0) + 1;
  return { total: mine.length, byStatus, gold: goldSummary(first, mine, campaignId) };
}
