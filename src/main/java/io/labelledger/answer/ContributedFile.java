package io.labelledger.answer;

/**
 * A file an answer names by reference (a recording, a photo, a text of the contributor's own): the
 * keccak256 of its bytes as a blob id, its media type and its length, exactly as signed. The service
 * accepts such an answer only when those bytes are stored and were uploaded by the signer for the
 * same campaign item ({@link CampaignAnswers#file}).
 */
public record ContributedFile(String file, String mediaType, long bytes) {}
