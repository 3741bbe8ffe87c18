package org.openpcs.control.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.openpcs.domain.SecretBox;
import org.openpcs.slurm.ClusterPaths;
import org.openpcs.slurm.ControllerDaemons;
import org.openpcs.store.DuplicateNameException;
import org.openpcs.store.Store;

/**
 * Clusters' munge keys: created on first use, kept sealed in the store (so a restarted server and
 * the cluster's agents get the same key), and written where munged reads it only when it differs.
 * Holds no state of its own; the store decides a race between two first uses.
 */
final class ClusterKeys {
  private static final int KEY_BYTES = 1024;

  private final Store store;
  private final SecretBox box;

  ClusterKeys(Store store, SecretBox box) {
    this.store = store;
    this.box = box;
  }

  /** The cluster's munge key, created on first use and stored sealed. */
  byte[] get(String clusterId) {
    Optional<String> sealed = store.inTransaction(tx -> tx.clusterSecret(clusterId));
    if (sealed.isEmpty()) {
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      try {
        store.inTransaction(
            tx -> {
              tx.putClusterSecret(clusterId, box.seal(Base64.getEncoder().encodeToString(key)));
              return null;
            });
      } catch (DuplicateNameException | org.openpcs.store.StaleVersionException raced) {
        return get(clusterId);
      }
      return key;
    }
    return Base64.getDecoder().decode(box.unseal(sealed.get()));
  }

  static void writeIfChanged(ControllerDaemons daemons, ClusterPaths paths, byte[] key) {
    try {
      if (!Files.exists(paths.mungeKey())
          || !Arrays.equals(Files.readAllBytes(paths.mungeKey()), key)) {
        daemons.writeMungeKey(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
