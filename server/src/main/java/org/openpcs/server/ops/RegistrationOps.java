package org.openpcs.server.ops;

import org.openpcs.api.error.AccessDeniedException;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceRequest;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceResponse;
import org.openpcs.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RegisterComputeNodeGroupInstance. A bootstrap id is issued with each instance a provider launches;
 * until instances exist (the managed-cluster work adds them) no bootstrap id is valid, so every
 * registration is refused — and logged, since an unknown bootstrap id may be an attack.
 */
public final class RegistrationOps {
  private static final Logger log = LoggerFactory.getLogger(RegistrationOps.class);

  public RegisterComputeNodeGroupInstanceResponse register(
      RegisterComputeNodeGroupInstanceRequest r, StoreTx tx, CallContext ctx) {
    Lookup.cluster(tx, r.clusterIdentifier());
    log.warn(
        "refused registration for cluster {} by {} (request {}): unknown bootstrap id",
        r.clusterIdentifier(),
        ctx.principal(),
        ctx.requestId());
    throw new AccessDeniedException("The bootstrap id is not valid for cluster " + r.clusterIdentifier() + ".");
  }
}
