package org.openpcs.server;

import java.security.SecureRandom;
import org.openpcs.store.Store;

/**
 * The region and account id this server puts into ARNs. They are fixed at first start and stored,
 * because every ARN handed out depends on them; a later start that asks for other values is refused
 * rather than silently breaking every stored ARN.
 */
record Identity(String region, String accountId) {
  static final String DEFAULT_REGION = "us-east-1";

  static Identity resolve(Store store, String region, String accountId) {
    String fresh =
        String.format("%012d", Math.floorMod(new SecureRandom().nextLong(), 1_000_000_000_000L));
    String storedRegion =
        store.inTransaction(
            tx -> tx.settingIfAbsent("region", region != null ? region : DEFAULT_REGION));
    String storedAccount =
        store.inTransaction(
            tx -> tx.settingIfAbsent("account-id", accountId != null ? accountId : fresh));
    if (region != null && !region.equals(storedRegion)) {
      throw new IllegalStateException(
          "this data was created for region "
              + storedRegion
              + "; start without --region or with --region "
              + storedRegion);
    }
    if (accountId != null && !accountId.equals(storedAccount)) {
      throw new IllegalStateException(
          "this data was created for account "
              + storedAccount
              + "; start without --account-id or with --account-id "
              + storedAccount);
    }
    return new Identity(storedRegion, storedAccount);
  }
}
