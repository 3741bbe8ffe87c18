package org.openpcs.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.store.Store;
import org.openpcs.store.StoreContract;

/** The store contract on an embedded H2 file, a fresh directory for every test. */
class H2StoreIT extends StoreContract {
  @TempDir Path dataDir;

  @Override
  protected Store openStore() {
    return JdbcStore.open(JdbcStore.h2FileUrl(dataDir), "sa", "");
  }
}
