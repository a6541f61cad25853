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

/** A summary of gold accuracy from the reply's own summary if it has one, else from the rows. */
export function goldSummary(reply, rows) {
  const s = reply && (reply.gold || reply.quality || reply.accuracy);
  if (s && typeof s === 'object') {
    const answered = num(s.answered ?? s.goldAnswered ?? s.total);
    const correct = num(s.correct ?? s.goldCorrect);
    if (answered !== null && correct !== null) {
      return { answered, correct, status: s.status ?? null, accuracy: num(s.accuracy) };
    }
    if (num(s.accuracy) !== null) {
      return { answered: null, correct: null, accuracy: num(s.accuracy), status: s.status ?? null };
    }
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
  return { total: mine.length, byStatus, gold: goldSummary(first, mine) };
}
