package org.openpcs.server.sdk;

import org.openpcs.server.TestServer;

/** The SDK contract suite against PostgreSQL, in a database of its own that is dropped after. */
class SdkApiPostgresIT extends SdkApiContract {
  private PostgresDatabase database;

  @Override
  String openDatabase() {
    database = PostgresDatabase.create();
    return database.url();
  }

  @Override
  void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  StoreBackdoor backdoorFor(TestServer server) {
    return new StoreBackdoor(database.url(), PostgresDatabase.USER);
  }
}
