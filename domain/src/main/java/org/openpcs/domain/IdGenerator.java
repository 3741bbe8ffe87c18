package org.openpcs.domain;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** Resource ids: {@code pcs_} + 10 lower-case alphanumerics, as PCS issues them. */
public final class IdGenerator {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private final RandomGenerator random;

  public IdGenerator(RandomGenerator random) {
    this.random = random;
  }

  public static IdGenerator secure() {
    return new IdGenerator(new SecureRandom());
  }

  public String newResourceId() {
    StringBuilder sb = new StringBuilder("pcs_");
    for (int i = 0; i < 10; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** True for strings that can only be ids: names may never start with {@code pcs_}. */
  public static boolean looksLikeId(String identifier) {
    return identifier.startsWith("pcs_");
  }
}
