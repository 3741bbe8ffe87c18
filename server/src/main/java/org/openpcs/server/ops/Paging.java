package org.openpcs.server.ops;

/** maxResults handling shared by the List operations. */
final class Paging {
  static final int DEFAULT = 10;

  private Paging() {}

  /** The page size: the model's default 10 when absent (docs: 0 also means the default). */
  static int limit(Integer maxResults) {
    return maxResults == null || maxResults == 0 ? DEFAULT : maxResults;
  }
}
