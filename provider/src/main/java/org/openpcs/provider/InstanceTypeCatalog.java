package org.openpcs.provider;

import java.util.Collection;
import java.util.Optional;

/** The instance types a provider offers. */
public interface InstanceTypeCatalog {
  Optional<InstanceType> find(String name);

  Collection<InstanceType> all();
}
