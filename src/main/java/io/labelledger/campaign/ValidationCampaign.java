package io.labelledger.campaign;

import io.labelledger.answer.upload.UploadType;
import java.util.List;

/** The validation campaign an upload campaign gets: what it is called, asks and how it decides. */
public final class ValidationCampaign {
  public static final String VALID = "valid";
  public static final String INVALID = "invalid";
  public static final List<String> LABELS = List.of(VALID, INVALID);

  private ValidationCampaign() {}

  /**
   * The creation request of {@code upload}'s validation campaign: {@code agreeing} votes wanted per
   * upload, dynamic overlap up to {@code maxVotes}, the validation's gold rate and accuracy floor.
   */
  static CreateCampaignRequest request(CreateCampaignRequest upload, UploadType.Validation v) {
    String name = upload.name().length() > 185 ? upload.name().substring(0, 185) : upload.name();
    return new CreateCampaignRequest(name + " (validation)",
        "Peer validation of the files contributed to \"" + name + "\".",
        "Look at or listen to the file and compare it with the prompt. Answer \"valid\" when the file is a "
            + "faithful answer to the prompt shown with it, \"invalid\" otherwise.",
        "single_choice", LABELS, v.agreeing(), upload.termsHash(), v.goldRate(), v.accuracyFloor(),
        upload.targetConfidence(), v.maxVotes(), null);
  }
}
