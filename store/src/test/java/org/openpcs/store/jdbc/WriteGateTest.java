package org.openpcs.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openpcs.store.StoreUnavailableException;

class WriteGateTest {
  @Test
  void aWriterWaitsOnlySoLongBehindAnotherAndAnyThreadMayLetTheGateGo() throws Exception {
    WriteGate gate = WriteGate.exclusive(Duration.ofMillis(200));
    gate.enter();

    assertThatThrownBy(gate::enter)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("busy");

    // left by another thread than the one that entered (no owner), then free again
    CompletableFuture.runAsync(gate::exit).get();
    gate.enter();
    gate.exit();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
