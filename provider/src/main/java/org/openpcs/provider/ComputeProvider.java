package org.openpcs.provider;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The narrow port every provider implements (local now; cloud and Kubernetes later). Calls may have
 * succeeded even when they fail or time out, so launches carry an idempotency token and ownership
 * tags, and the caller finds earlier launches with {@link #describe} instead of launching again.
 */
public interface ComputeProvider {

  /** Short name, e.g. {@code local}. */
  String name();

  /**
   * Launches one instance. Launching again with the same {@link LaunchRequest#token()} returns the
   * instance of the first launch and starts nothing. Throws {@link LaunchException} with a reason.
   */
  Instance launch(LaunchRequest request);

  /** Terminates instances; unknown or already terminated ids are ignored. */
  void terminate(Collection<String> instanceIds);

  /**
   * Instances (not yet terminated, and recently terminated ones) whose tags include all of {@code
   * tags}.
   */
  List<Instance> describe(Map<String, String> tags);

  /** What this provider can run, for validation and for declaring node resources to Slurm. */
  InstanceTypeCatalog catalog();

  /** Launch templates known to this provider, by id, with their versions. */
  Map<String, List<String>> launchTemplates();

  /** Node images (AMI-like ids) known to this provider. */
  List<String> images();

  /**
   * How long an instance may still run its daemons after {@link #terminate} returned (a cloud
   * terminates asynchronously). Slurm must not hand the instance's node to a new instance before
   * that, so it is part of the node's power-down time (SuspendTimeout). The default is a cautious
   * 25 s for providers that do not know.
   */
  default Duration releaseTime() {
    return Duration.ofSeconds(25);
  }
}
