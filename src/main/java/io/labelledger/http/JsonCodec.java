package io.labelledger.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The JSON edge of every route: reads a request body into a record, validates it once (Hibernate
 * Validator), and writes replies. Every decoding problem becomes a 4xx {@link ApiException} that
 * names the field; nothing a client sends can produce a 5xx here.
 */
public final class JsonCodec {
  private final ObjectMapper mapper;
  private final Validator validator;
  private final int bodyLimit;

  public JsonCodec(ObjectMapper mapper, Validator validator, int bodyLimit) {
    this.mapper = mapper;
    this.validator = validator;
    this.bodyLimit = bodyLimit;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** Buffers a JSON body up to the configured limit (larger: 413). Put it before {@link #decode}. */
  public Handler<RoutingContext> bodyHandler() {
    return BodyHandler.create(false).setBodyLimit(bodyLimit);
  }

  /** The body as {@code type}, decoded strictly and validated; throws {@link ApiException}. */
  public <T> T decode(RoutingContext ctx, Class<T> type) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "application/json");
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ApiException(ErrorCode.BODY_REQUIRED);
    }
    T value = read(body.getBytes(), type);
    if (value == null) {
      throw new ApiException(ErrorCode.BODY_REQUIRED);
    }
    validate(value);
    return value;
  }

  private <T> T read(byte[] body, Class<T> type) {
    try {
      return mapper.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      throw new ApiException(ErrorCode.UNKNOWN_FIELD, Map.of("field", field), field);
    } catch (MismatchedInputException e) {
      String field = path(e);
      String expected = expected(e.getTargetType());
      throw new ApiException(ErrorCode.WRONG_TYPE, Map.of("field", field, "expected", expected), field, expected);
    } catch (StreamReadException e) {
      throw new ApiException(ErrorCode.MALFORMED_JSON, e.getOriginalMessage());
    } catch (JsonMappingException e) {
      // e.g. a record constructor refusing a value: still the client's input
      throw new ApiException(ErrorCode.VALIDATION_FAILED,
          Map.of("field", path(e)), e.getOriginalMessage());
    } catch (JacksonException e) {
      throw new ApiException(ErrorCode.MALFORMED_JSON, e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(ErrorCode.MALFORMED_JSON, e.getMessage());
    }
  }

  /** Validates a decoded value; missing (null) required fields are reported apart from other violations. */
  public <T> void validate(T value) {
    Set<ConstraintViolation<T>> violations = validator.validate(value);
    if (violations.isEmpty()) {
      return;
    }
    Set<String> missing = new TreeSet<>();
    List<Map<String, Object>> others = new ArrayList<>();
    for (ConstraintViolation<T> v : violations) {
      String field = v.getPropertyPath().toString();
      boolean isNotNull = v.getConstraintDescriptor().getAnnotation() instanceof NotNull;
      if (isNotNull && v.getInvalidValue() == null) {
        missing.add(field);
      } else {
        Map<String, Object> violation = new LinkedHashMap<>();
        violation.put("field", field);
        violation.put("message", v.getMessage());
        others.add(violation);
      }
    }
    if (!missing.isEmpty()) {
      throw new ApiException(ErrorCode.MISSING_FIELD, Map.of("fields", List.copyOf(missing)),
          String.join(", ", missing));
    }
    others.sort((a, b) -> String.valueOf(a.get("field")).compareTo(String.valueOf(b.get("field"))));
    String summary = others.stream().map(v -> v.get("field") + " " + v.get("message"))
        .collect(Collectors.joining("; "));
    throw new ApiException(ErrorCode.VALIDATION_FAILED, Map.of("violations", others), summary);
  }

  /** Replies {@code status} with {@code body} as JSON. */
  public void respond(RoutingContext ctx, int status, Object body) {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      ctx.fail(e);
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Buffer.buffer(bytes));
  }

  /** Replies with the future's value, or hands its failure to the failure handler. */
  public void reply(RoutingContext ctx, int status, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        respond(ctx, status, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  static String path(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    return path.isEmpty() ? "(body)" : path;
  }

  static String expected(Class<?> type) {
    if (type == null) {
      return "a different type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class || type == float.class || type == BigDecimal.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
