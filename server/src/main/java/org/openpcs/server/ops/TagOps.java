package org.openpcs.server.ops;

import org.openpcs.api.error.ResourceNotFoundException;
import org.openpcs.api.model.ListTagsForResourceRequest;
import org.openpcs.api.model.ListTagsForResourceResponse;
import org.openpcs.api.model.TagResourceRequest;
import org.openpcs.api.model.TagResourceResponse;
import org.openpcs.api.model.UntagResourceRequest;
import org.openpcs.api.model.UntagResourceResponse;
import org.openpcs.domain.Arns;
import org.openpcs.domain.Cluster;
import org.openpcs.store.StoreTx;

/** TagResource, UntagResource, ListTagsForResource: tags addressed by ARN. */
public final class TagOps {
  private final ApiServices services;

  public TagOps(ApiServices services) {
    this.services = services;
  }

  public TagResourceResponse tag(TagResourceRequest r, StoreTx tx, CallContext ctx) {
    Problems problems = new Problems();
    Tags.checkKeys(r.tags(), "tags", problems);
    problems.throwIfAny();
    Arns.Parsed target = resolve(tx, r.resourceArn());
    Tags.apply(
        tx,
        target.resourceId(),
        target.kind().arnType,
        r.tags(),
        services.quotas().tagsPerResource());
    return new TagResourceResponse();
  }

  public UntagResourceResponse untag(UntagResourceRequest r, StoreTx tx, CallContext ctx) {
    Arns.Parsed target = resolve(tx, r.resourceArn());
    tx.removeTags(target.resourceId(), r.tagKeys());
    return new UntagResourceResponse();
  }

  public ListTagsForResourceResponse list(
      ListTagsForResourceRequest r, StoreTx tx, CallContext ctx) {
    Arns.Parsed target = resolve(tx, r.resourceArn());
    return new ListTagsForResourceResponse(tx.tags(target.resourceId()));
  }

  /** The resource an ARN names, which must exist on this server. */
  private Arns.Parsed resolve(StoreTx tx, String arn) {
    Arns.Parsed parsed = services.arns().parse(arn).orElseThrow(() -> notFound(arn));
    Cluster cluster =
        tx.findCluster(parsed.clusterId())
            .filter(c -> c.id().equals(parsed.clusterId()))
            .orElseThrow(() -> notFound(arn));
    boolean exists =
        switch (parsed.kind()) {
          case CLUSTER -> true;
          case COMPUTE_NODE_GROUP ->
              tx.findNodeGroup(cluster.id(), parsed.childId())
                  .filter(g -> g.id().equals(parsed.childId()))
                  .isPresent();
          case QUEUE ->
              tx.findQueue(cluster.id(), parsed.childId())
                  .filter(q -> q.id().equals(parsed.childId()))
                  .isPresent();
        };
    if (!exists) {
      throw notFound(arn);
    }
    return parsed;
  }

  private static ResourceNotFoundException notFound(String arn) {
    return new ResourceNotFoundException(
        "No resource with ARN " + arn + " exists on this server.", arn, "resource");
  }
}
