package org.openpcs.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.openpcs.api.PcsJson;
import org.openpcs.api.error.ConflictException;
import org.openpcs.api.error.PcsException;
import org.openpcs.domain.IdempotencyRecord;
import org.openpcs.store.DuplicateNameException;
import org.openpcs.store.StaleVersionException;
import org.openpcs.store.Store;

/**
 * Runs an operation in one transaction, with {@code clientToken} semantics: the first successful
 * result of a token is stored in the same transaction as the change it made, so a retry with the
 * same token and the same request replays that result and changes nothing, and a retry with a
 * different request is a ConflictException naming the token. Optimistic-concurrency losses are
 * retried a few times from a fresh read.
 */
public final class IdempotentExecutor {
  private static final int ATTEMPTS = 5;
  private final Store store;
  private final Duration ttl;

  public IdempotentExecutor(Store store, Duration ttl) {
    this.store = store;
    this.ttl = ttl;
  }

  /** Returns the JSON response body. */
  public <I> String execute(Operation<I> op, I input, JsonNode json, CallContext ctx) {
    String token =
        op.idempotent() && json.hasNonNull("clientToken") ? json.get("clientToken").asText() : null;
    String fingerprint = token == null ? null : fingerprint(op.name(), json);
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        String body =
            store.inTransaction(
                tx -> {
                  if (token != null) {
                    Optional<IdempotencyRecord> earlier = live(tx.findIdempotency(token), ctx, tx);
                    if (earlier.isPresent()) {
                      return replay(earlier.get(), op.name(), fingerprint);
                    }
                  }
                  String out = PcsJson.toJson(op.handler().handle(input, tx, ctx));
                  if (token != null) {
                    tx.insertIdempotency(
                        new IdempotencyRecord(token, op.name(), fingerprint, out, ctx.now()));
                  }
                  return out;
                });
        ctx.committed();
        return body;
      } catch (StaleVersionException | DuplicateNameException e) {
        // A concurrent writer won (or a twin request with the same token committed first): the
        // next attempt re-reads and either replays, reports the conflict, or succeeds.
        ctx.rolledBack();
        last = e;
      } catch (PcsException e) {
        ctx.rolledBack();
        if (token != null) {
          Optional<IdempotencyRecord> twin =
              store.inTransaction(tx -> live(tx.findIdempotency(token), ctx, tx));
          if (twin.isPresent()) {
            return replay(twin.get(), op.name(), fingerprint);
          }
        }
        throw e;
      }
    }
    if (last instanceof DuplicateNameException) {
      throw new ConflictException(
          "A resource with that name was created concurrently; retry.", "", "resource");
    }
    throw new ConflictException(
        "The resource was modified concurrently; retry the request.", "", "resource");
  }

  /** A record older than the TTL is forgotten (and removed so the token can be used again). */
  private Optional<IdempotencyRecord> live(
      Optional<IdempotencyRecord> found, CallContext ctx, org.openpcs.store.StoreTx tx) {
    if (found.isPresent() && found.get().createdAt().isBefore(ctx.now().minus(ttl))) {
      tx.purgeIdempotency(ctx.now().minus(ttl));
      return Optional.empty();
    }
    return found;
  }

  private static String replay(IdempotencyRecord earlier, String operation, String fingerprint) {
    if (earlier.operation().equals(operation) && earlier.requestHash().equals(fingerprint)) {
      return earlier.response();
    }
    throw new ConflictException(
        "The client token "
            + earlier.clientToken()
            + " was already used for a different "
            + (earlier.operation().equals(operation)
                ? operation + " request"
                : "operation (" + earlier.operation() + ")")
            + "; use a new client token.",
        earlier.clientToken(),
        "clientToken");
  }

  /** SHA-256 of the operation and the canonical request without its token. */
  static String fingerprint(String operation, JsonNode json) {
    ObjectNode copy = ((ObjectNode) json).deepCopy();
    copy.remove("clientToken");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(operation.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Canonical.json(copy).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
