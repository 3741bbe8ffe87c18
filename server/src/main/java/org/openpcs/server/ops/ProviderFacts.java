package org.openpcs.server.ops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the provider offers, for validating node-group requests at the edge. */
public interface ProviderFacts {
  /** vCPUs of a known instance type; empty when the type is unknown. */
  Optional<Integer> vcpus(String instanceType);

  Set<String> instanceTypes();

  /** Launch template id → its versions. */
  Map<String, List<String>> launchTemplates();

  List<String> images();
}
