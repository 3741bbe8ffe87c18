package org.openpcs.domain;

import java.time.Instant;

/**
 * The first result of a request made with a {@code clientToken}. {@code requestHash} fingerprints
 * the operation and request (without the token); {@code response} is the JSON body that was
 * returned.
 */
public record IdempotencyRecord(
    String clientToken, String operation, String requestHash, String response, Instant createdAt) {}
