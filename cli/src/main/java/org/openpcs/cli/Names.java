package org.openpcs.cli;

import java.util.Locale;

/** Model names to command-line names, with the same rule botocore's {@code xform_name} uses. */
final class Names {
  private Names() {}

  /**
   * {@code ListTagsForResource} → {@code list-tags-for-resource}, {@code amiId} → {@code ami-id}.
   */
  static String kebab(String camel) {
    String s = camel.replaceAll("(.)([A-Z][a-z]+)", "$1-$2");
    return s.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  static String option(String memberName) {
    return "--" + kebab(memberName);
  }
}
