package io.labelledger.contribution;

import io.labelledger.answer.ContributedFile;
import io.vertx.core.Future;

/**
 * Checks the file a signed answer references before the contribution is accepted: that those bytes
 * are stored and were uploaded by the signer for the same campaign item, with the length and media
 * type the answer states. Fails with the precise refusal.
 */
public interface FileCheck {
  Future<Void> check(String contributor, long campaignId, long itemId, ContributedFile file);
}
