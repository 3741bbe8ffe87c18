package org.openpcs.server.ops;

import org.openpcs.domain.ResourceKind;

/** Tells the controllers that a resource's spec or lifecycle changed (after commit). */
@FunctionalInterface
public interface ChangeNotifier {
  void changed(ResourceKind kind, String clusterId, String id);
}
