package org.openpcs.server.keys;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpcs.api.auth.SigV4;
import org.openpcs.domain.AccessKey;
import org.openpcs.store.Store;

/**
 * Issues and looks up API access keys. Ids look like AWS's ({@code AKIA} + 16 of A–Z2–7) so tools
 * that sanity-check key formats accept them; secrets are 40 random characters, stored sealed.
 */
public final class AccessKeys {
  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private final Store store;
  private final SecretSealer sealer;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * Unsealed secrets by key id, kept briefly: keys may be deleted by another process ({@code
   * openpcs keys delete}), and a deleted key must stop working within seconds.
   */
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private static final java.time.Duration CACHE_TTL = java.time.Duration.ofSeconds(5);

  private record Cached(String secret, boolean admin, java.time.Instant until) {}

  public AccessKeys(Store store, SecretSealer sealer, Clock clock) {
    this.store = store;
    this.sealer = sealer;
    this.clock = clock;
  }

  public SigV4.Credentials create(String description, boolean admin) {
    String id = "AKIA" + random(ID_ALPHABET, 16);
    String secret = random(SECRET_ALPHABET, 40);
    store.inTransaction(
        tx -> {
          tx.insertAccessKey(
              new AccessKey(
                  id,
                  sealer.seal(secret),
                  description,
                  admin,
                  clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
          return null;
        });
    return new SigV4.Credentials(id, secret);
  }

  /** The secret of an existing key, for signature verification. */
  public Optional<String> secretOf(String accessKeyId) {
    return lookup(accessKeyId).map(Cached::secret);
  }

  /** Whether a key may call every operation (node keys may only register instances). */
  public boolean isAdministrator(String accessKeyId) {
    return accessKeyId != null && lookup(accessKeyId).map(Cached::admin).orElse(false);
  }

  /** The node key the server hands to instances, created on first use. */
  public SigV4.Credentials nodeKey() {
    String setting = "node-access-key-id";
    Optional<String> id = store.inTransaction(tx -> tx.setting(setting));
    if (id.isPresent()) {
      Optional<String> secret = secretOf(id.get());
      if (secret.isPresent()) {
        return new SigV4.Credentials(id.get(), secret.get());
      }
    }
    // First start, or the node key was deleted by an administrator: issue a new one.
    SigV4.Credentials created =
        create("node key: instances use it to register and heartbeat", false);
    store.inTransaction(
        tx -> {
          tx.putSetting(setting, created.accessKeyId());
          return null;
        });
    return created;
  }

  private Optional<Cached> lookup(String accessKeyId) {
    Cached cached = cache.get(accessKeyId);
    if (cached != null && clock.instant().isBefore(cached.until())) {
      return Optional.of(cached);
    }
    Optional<Cached> found =
        store
            .inTransaction(tx -> tx.findAccessKey(accessKeyId))
            .map(
                k ->
                    new Cached(
                        sealer.unseal(k.sealedSecret()),
                        k.admin(),
                        clock.instant().plus(CACHE_TTL)));
    found.ifPresentOrElse(c -> cache.put(accessKeyId, c), () -> cache.remove(accessKeyId));
    return found;
  }

  public List<AccessKey> list() {
    return store.inTransaction(tx -> tx.allAccessKeys());
  }

  public boolean delete(String accessKeyId) {
    cache.remove(accessKeyId);
    return store.inTransaction(tx -> tx.deleteAccessKey(accessKeyId));
  }

  public boolean anyAdmin() {
    return list().stream().anyMatch(AccessKey::admin);
  }

  private String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
