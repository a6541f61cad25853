package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.http.HexString;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

/** The hex-shape check that replaced the regexes of the signed-request path: the same language, exactly. */
class HexTest {
  record Holder(@HexString(digits = 4) String value) {}

  @Test
  void acceptsExactlyZeroXAndTheGivenNumberOfHexDigitsInEitherCase() {
    assertThat(Hex.isHex("0x09afAF", 6)).isTrue();
    assertThat(Hex.isHex("0x" + "a".repeat(40), 40)).isTrue();
    for (String bad : new String[] {null, "", "0x", "0x09af", "0x09afAF0", "09afAF00", "0X09afAF", "1x09afAF",
        "0x09agAF", "0x09af F", "0x09af\u0660F", "0x09afAF\n"}) {
      assertThat(Hex.isHex(bad, 6)).as("%s", bad).isFalse();
    }
  }

  @Test
  void agreesWithTheRegexItReplacedOnRandomStrings() {
    var random = new java.util.Random(7);
    String alphabet = "0x9aAfFgG -\u00e9";
    java.util.regex.Pattern regex = java.util.regex.Pattern.compile("0x[0-9a-fA-F]{3}");
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(7);
      for (int j = 0; j < length; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = random.nextBoolean() ? "0x" + b.substring(Math.min(2, b.length())) : b.toString();
      assertThat(Hex.isHex(s, 3)).as("%s", s).isEqualTo(regex.matcher(s).matches());
    }
  }

  @Test
  void theConstraintNamesTheShapeAndLetsNullThrough() {
    Validator validator = Validation.byDefaultProvider().configure().buildValidatorFactory().getValidator();
    assertThat(validator.validate(new Holder("0x12ab"))).isEmpty();
    assertThat(validator.validate(new Holder(null))).isEmpty();
    var violations = validator.validate(new Holder("0x12abc"));
    assertThat(violations).singleElement().satisfies(v -> assertThat(v.getMessage()).isEqualTo("must be 0x + 4 hex digits"));
  }
}
