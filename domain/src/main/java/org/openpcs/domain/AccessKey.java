package org.openpcs.domain;

import java.time.Instant;

/**
 * An API access key. SigV4 verification needs the secret itself, so it is kept, but only sealed
 * ({@code sealedSecret}, AES-GCM under a master key that lives outside the database).
 */
public record AccessKey(
    String accessKeyId,
    String sealedSecret,
    String description,
    boolean admin,
    Instant createdAt) {}
