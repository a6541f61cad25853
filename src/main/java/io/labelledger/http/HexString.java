package io.labelledger.http;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string that is "0x" and exactly {@link #digits} hex digits (addresses: 40, hashes: 64). Null is
 * valid (pair with {@code @NotNull}). The same rule as {@code @Pattern("0x[0-9a-fA-F]{n}")}, checked
 * by a loop: it sits on the signed requests' hot path.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HexString.Validator.class)
public @interface HexString {
  int digits();

  String message() default "must be 0x + {digits} hex digits";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Hibernate Validator's side of the constraint. */
  final class Validator implements ConstraintValidator<HexString, String> {
    private int digits;

    @Override
    public void initialize(HexString annotation) {
      digits = annotation.digits();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || io.labelledger.chain.Hex.isHex(value, digits);
    }
  }
}
