package org.openpcs.domain;

/** Seals secrets before they are stored (cluster keys, access-key secrets). */
public interface SecretBox {
  String seal(String secret);

  String unseal(String sealed);
}
