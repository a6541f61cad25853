package io.labelledger.answer.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.ContributedFile;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadTypeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "0x" + "0123456789abcdef".repeat(4);

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }

  private static UploadType.Bound bind(String settings) throws Exception {
    AnswerType type = AnswerTypes.of("upload");
    return (UploadType.Bound) type.bind(List.of(), type.settings(json(settings), List.of()));
  }

  private static ErrorCode refusal(UploadType.Bound bound, String answer) {
    try {
      bound.parse(answer);
    } catch (ApiException e) {
      return e.code();
    }
    throw new AssertionError("accepted: " + answer);
  }

  @Test
  void defaultsToEverySupportedMediaTypeTenMebibytesAndTenMinutes() throws Exception {
    ObjectNode settings = AnswerTypes.of("upload").settings(json("{}"), List.of());
    assertThat(settings.toString()).isEqualTo("{\"mediaTypes\":[\"audio/ogg\",\"audio/wav\",\"audio/webm\","
        + "\"image/jpeg\",\"image/png\",\"text/plain\"],\"maxBytes\":10485760,\"minSeconds\":0.0,\"maxSeconds\":600.0,"
        + "\"validation\":{\"agreeing\":2,\"maxVotes\":3,\"goldRate\":0.0,\"accuracyFloor\":0.0},"
        + "\"shares\":{\"upload\":10,\"validation\":1}}");
    assertThat(UploadType.validation(settings)).contains(new UploadType.Validation(2, 3, 0, 0, 10, 1));
  }

  @Test
  void refusesValidationAndSharesSettingsByName() throws Exception {
    AnswerType type = AnswerTypes.of("upload");
    for (String[] bad : new String[][] {
        {"{\"validation\":{\"agreeing\":0}}", "validation.agreeing"},
        {"{\"validation\":{\"agreeing\":3,\"maxVotes\":2}}", "validation.maxVotes"},
        {"{\"validation\":{\"quorum\":3}}", "validation.quorum"},
        {"{\"shares\":{\"upload\":0}}", "shares.upload"},
        {"{\"shares\":{\"validation\":1000001}}", "shares.validation"},
        {"{\"shares\":{\"upload\":2.5}}", "shares.upload"},
        {"{\"shares\":7}", "shares"}}) {
      ObjectNode given = json(bad[0]);
      assertThatThrownBy(() -> type.settings(given, List.of())).as(bad[0])
          .isInstanceOfSatisfying(AnswerType.InvalidSettingsException.class,
              e -> assertThat(e.setting()).isEqualTo(bad[1]));
    }
    assertThat(UploadType.validation(json("{\"mediaTypes\":[\"audio/wav\"]}"))).as("a campaign from before V19")
        .isEmpty();
  }

  @Test
  void refusesSettingsByName() {
    AnswerType type = AnswerTypes.of("upload");
    assertThatThrownBy(() -> type.settings(json("{\"mediaTypes\":[\"video/mp4\"]}"), List.of()))
        .isInstanceOfSatisfying(AnswerType.InvalidSettingsException.class,
            e -> assertThat(e.setting()).isEqualTo("mediaTypes"));
    assertThatThrownBy(() -> type.settings(json("{\"mediaTypes\":[]}"), List.of()))
        .isInstanceOf(AnswerType.InvalidSettingsException.class);
    assertThatThrownBy(() -> type.settings(json("{\"minSeconds\":5,\"maxSeconds\":2}"), List.of()))
        .isInstanceOfSatisfying(AnswerType.InvalidSettingsException.class,
            e -> assertThat(e.setting()).isEqualTo("maxSeconds"));
    assertThatThrownBy(() -> type.settings(json("{\"maxBytes\":0}"), List.of()))
        .isInstanceOf(AnswerType.InvalidSettingsException.class);
  }

  @Test
  void signsTheCanonicalJsonOfTheFileReferenceAndReadsItBack() throws Exception {
    UploadType.Bound bound = bind("{\"mediaTypes\":[\"audio/wav\"],\"maxBytes\":1000}");
    ContributedFile file = new ContributedFile(FILE, "audio/wav", 44);
    String answer = UploadType.Bound.answer(file);
    assertThat(answer).isEqualTo("{\"bytes\":44,\"file\":\"" + FILE + "\",\"mediaType\":\"audio/wav\"}");
    assertThat(bound.parse(answer)).isEqualTo(file);
    assertThat(bound.file(answer)).isEqualTo(file);
  }

  @Test
  void refusesAnswersThatDoNotNameAnAcceptableFileCanonically() throws Exception {
    UploadType.Bound bound = bind("{\"mediaTypes\":[\"audio/wav\"],\"maxBytes\":1000}");
    assertThat(refusal(bound, "{\"mediaType\":\"audio/wav\",\"file\":\"" + FILE + "\",\"bytes\":44}"))
        .isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(bound, "{\"bytes\":44,\"file\":\"../../etc/passwd\",\"mediaType\":\"audio/wav\"}"))
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(bound, "{\"bytes\":44,\"file\":\"" + FILE.toUpperCase().replace("0X", "0x")
        + "\",\"mediaType\":\"audio/wav\"}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(bound, "{\"bytes\":4000,\"file\":\"" + FILE + "\",\"mediaType\":\"audio/wav\"}"))
        .as("more than maxBytes").isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(bound, "{\"bytes\":0,\"file\":\"" + FILE + "\",\"mediaType\":\"audio/wav\"}"))
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(bound, "{\"bytes\":44,\"file\":\"" + FILE + "\",\"mediaType\":\"image/png\"}"))
        .isEqualTo(ErrorCode.MEDIA_TYPE_NOT_ALLOWED);
    assertThat(refusal(bound, "{\"bytes\":44,\"file\":\"" + FILE + "\"}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
  }

  @Test
  void anItemsAggregateIsTheSetOfItsFilesAndEveryFileAgreesWithIt() throws Exception {
    UploadType.Bound bound = bind("{}");
    ContributedFile a = new ContributedFile(FILE, "audio/wav", 44);
    ContributedFile b = new ContributedFile("0x" + "f".repeat(64), "image/png", 90);
    var scored = bound.model().score(List.of(b, a, b), List.of(new double[0], new double[0], new double[0]));
    assertThat(scored.aggregate()).containsExactly(a, b);
    assertThat(scored.confidence()).isEqualTo(1.0);
    assertThat(bound.agrees(a, scored.aggregate())).isTrue();
    assertThat(bound.parseAggregate(bound.aggregateText(scored.aggregate()))).isEqualTo(scored.aggregate());
    assertThat(bound.exportColumns(scored.aggregate()).get("files")).isEqualTo(List.of(a.file(), b.file()));
    assertThatThrownBy(() -> bound.gold(json("{}"))).isInstanceOf(IllegalArgumentException.class);
  }
}
