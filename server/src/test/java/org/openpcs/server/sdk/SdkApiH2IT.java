package org.openpcs.server.sdk;

import org.openpcs.server.TestServer;
import org.openpcs.store.jdbc.JdbcStore;

/** The SDK contract suite against the embedded H2 store. */
class SdkApiH2IT extends SdkApiContract {
  @Override
  String openDatabase() {
    return null;
  }

  @Override
  void dropDatabase() {
    // The H2 file lives in the test server's temporary data dir.
  }

  @Override
  StoreBackdoor backdoorFor(TestServer server) {
    return new StoreBackdoor(JdbcStore.h2FileUrl(server.dataDir()), null);
  }
}
