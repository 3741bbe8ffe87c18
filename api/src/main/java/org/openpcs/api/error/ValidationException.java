package org.openpcs.api.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The request is not valid; {@code fieldList} names every bad field of one request at once. */
public final class ValidationException extends PcsException {
  /** The model's {@code ValidationExceptionReason} values. */
  public enum Reason {
    UNKNOWN_OPERATION("unknownOperation"),
    CANNOT_PARSE("cannotParse"),
    FIELD_VALIDATION_FAILED("fieldValidationFailed"),
    OTHER("other");

    public final String wire;

    Reason(String wire) {
      this.wire = wire;
    }
  }

  /**
   * One bad field: its dotted path in the request ({@code scheduler.version}) and what is wrong.
   */
  public record Field(String name, String message) {}

  private final Reason reason;
  private final List<Field> fields;

  public ValidationException(Reason reason, String message, List<Field> fields) {
    super(message);
    this.reason = reason;
    this.fields = List.copyOf(fields);
  }

  public ValidationException(Reason reason, String message) {
    this(reason, message, List.of());
  }

  /** A field-validation failure whose message lists every field problem. */
  public static ValidationException ofFields(List<Field> fields) {
    StringBuilder sb =
        new StringBuilder(
            fields.size() == 1
                ? "1 validation error detected: "
                : fields.size() + " validation errors detected: ");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(fields.get(i).name()).append(": ").append(fields.get(i).message());
    }
    return new ValidationException(Reason.FIELD_VALIDATION_FAILED, sb.toString(), fields);
  }

  public static ValidationException ofField(String name, String message) {
    return ofFields(List.of(new Field(name, message)));
  }

  public Reason reason() {
    return reason;
  }

  public List<Field> fields() {
    return fields;
  }

  @Override
  public String errorType() {
    return "ValidationException";
  }

  @Override
  public int httpStatus() {
    return 400;
  }

  @Override
  public Map<String, Object> extraMembers() {
    var m = super.extraMembers();
    m.put("reason", reason.wire);
    if (!fields.isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Field f : fields) {
        list.add(Map.of("name", f.name(), "message", f.message()));
      }
      m.put("fieldList", list);
    }
    return m;
  }
}
