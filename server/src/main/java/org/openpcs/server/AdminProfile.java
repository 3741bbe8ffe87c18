package org.openpcs.server;

import java.nio.file.Path;
import java.util.Optional;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.server.keys.AccessKeys;
import org.openpcs.store.Store;

/**
 * The administrator key made at first start, and the AWS-style profile ({@code <data-dir>/aws})
 * that lets the openpcs CLI, the AWS CLI and the SDKs use it. The profile is rewritten at every
 * start so that its endpoint is the address the server really listens on.
 */
final class AdminProfile {
  static final String PROFILE = "openpcs";
  private static final String SETTING = "admin-access-key-id";

  private AdminProfile() {}

  /** Returns the credentials file written, or empty when the administrator key was deleted. */
  static Optional<Path> ensure(
      Store store, AccessKeys keys, Path awsDir, String endpoint, String region) {
    String existing = store.inTransaction(tx -> tx.setting(SETTING)).orElse(null);
    String keyId;
    if (existing == null) {
      SigV4.Credentials created = keys.create("administrator (created at first start)", true);
      keyId = store.inTransaction(tx -> tx.settingIfAbsent(SETTING, created.accessKeyId()));
      if (!keyId.equals(created.accessKeyId())) {
        keys.delete(created.accessKeyId()); // another replica won the race; keep one admin key
      }
    } else {
      keyId = existing;
    }
    Optional<String> secret = keys.secretOf(keyId);
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    Path credentials = awsDir.resolve("credentials");
    AwsProfiles.write(
        credentials,
        awsDir.resolve("config"),
        new AwsProfiles.Profile(PROFILE, keyId, secret.get(), region, endpoint));
    return Optional.of(credentials);
  }
}
