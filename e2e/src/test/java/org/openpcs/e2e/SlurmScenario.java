package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A scenario class with one server and its Slurm clusters for all its tests; at the end nothing may
 * be left running that uses the harness's data dir (no orphaned instance, slurmd or munged).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SlurmScenario {
  protected SlurmHarness h;

  @BeforeAll
  void startHarness() {
    h = harness();
  }

  /** The harness for this scenario's tests; a scenario may start its server with options. */
  SlurmHarness harness() {
    return new SlurmHarness();
  }

  @AfterAll
  void stopHarness() {
    h.close();
    assertThat(h.processesUsingDataDir()).isEmpty();
  }
}
