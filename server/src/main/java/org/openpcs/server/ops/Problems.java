package org.openpcs.server.ops;

import java.util.ArrayList;
import java.util.List;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Field;

/** Collects the semantic problems of one request so they are all reported together. */
final class Problems {
  private final List<Field> fields = new ArrayList<>();

  void add(String field, String message) {
    fields.add(new Field(field, message));
  }

  void addAll(List<Field> more) {
    fields.addAll(more);
  }

  List<Field> fields() {
    return List.copyOf(fields);
  }

  /** Throws one ValidationException naming every problem, if there is any. */
  void throwIfAny() {
    if (!fields.isEmpty()) {
      throw ValidationException.ofFields(fields);
    }
  }
}
