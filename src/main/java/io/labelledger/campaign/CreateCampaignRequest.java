package io.labelledger.campaign;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.HashSet;
import java.util.List;

/**
 * Body of {@code POST /api/campaigns}. Optional fields (null) take the defaults of
 * {@link #withDefaults()}; the task type, the number of labels it needs and its {@code settings}
 * are checked by the service against the type ({@link io.labelledger.answer.AnswerType}), each
 * refusal with its own error code rather than a generic validation failure.
 *
 * @param goldRate fraction of served tasks that are gold items, 0..0.5
 * @param accuracyFloor contributors whose estimated accuracy falls below this stop earning, 0..1
 * @param targetConfidence confidence an item's aggregated label must reach, (0, 1]
 * @param maxOverlap most answers dynamic overlap may ask for per item, overlap..50
 * @param labels the labels to choose from (single_choice, multi_choice, and the entity or object classes of spans
 *     and boxes); none for the other types
 * @param settings the task type's settings (see each type); null for its defaults
 */
public record CreateCampaignRequest(
    @NotNull @NotBlank @Size(max = 200) String name,
    @Size(max = 10_000) String description,
    @NotNull @NotBlank @Size(max = 20_000) String instructions,
    @NotNull String taskType,
    @Size(max = 64) List<@NotNull @NotBlank @Size(max = 200) String> labels,
    @NotNull @Min(1) @Max(50) Integer overlap,
    @NotNull @Pattern(regexp = "0x[0-9a-fA-F]{64}", message = "must be 0x + 64 hex digits") String termsHash,
    @DecimalMin("0") @DecimalMax("0.5") Double goldRate,
    @DecimalMin("0") @DecimalMax("1") Double accuracyFloor,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double targetConfidence,
    @Min(1) @Max(50) Integer maxOverlap,
    ObjectNode settings) {

  public static final double DEFAULT_GOLD_RATE = 0.0;
  public static final double DEFAULT_ACCURACY_FLOOR = 0.0;
  public static final double DEFAULT_TARGET_CONFIDENCE = 0.9;

  @JsonIgnore
  @AssertTrue(message = "must not repeat a label")
  public boolean isLabelsUnique() {
    return labels == null || new HashSet<>(labels).size() == labels.size();
  }

  @JsonIgnore
  @AssertTrue(message = "must be at least overlap")
  public boolean isMaxOverlapAtLeastOverlap() {
    return maxOverlap == null || overlap == null || maxOverlap >= overlap;
  }

  /**
   * The request with every optional field filled in, the terms hash in lower case and
   * {@code settings} replaced by the type's complete settings.
   */
  public CreateCampaignRequest withDefaults(ObjectNode completeSettings) {
    return new CreateCampaignRequest(name, description == null ? "" : description, instructions, taskType,
        labels == null ? List.of() : List.copyOf(labels), overlap, termsHash.toLowerCase(),
        goldRate == null ? DEFAULT_GOLD_RATE : goldRate,
        accuracyFloor == null ? DEFAULT_ACCURACY_FLOOR : accuracyFloor,
        targetConfidence == null ? DEFAULT_TARGET_CONFIDENCE : targetConfidence,
        maxOverlap == null ? overlap : maxOverlap, completeSettings);
  }
}
