package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDeliveryTest {
  @TempDir Path root;

  /** A destination that never returns from its first write (a store that hangs). */
  static final class Hanging implements LogDestination {
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public void write(List<LogRecord> batch) throws InterruptedException {
      entered.countDown();
      new CountDownLatch(1).await();
    }
  }

  static final class Counting implements LogDestination {
    final AtomicInteger records = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void write(List<LogRecord> batch) {
      records.addAndGet(batch.size());
    }
  }

  private static LogRecord record(int n) {
    return new LogRecord("pcs_abc", LogType.SCALING, "{\"n\":" + n + "}");
  }

  @Test
  void aHangingDestinationDropsAndCountsWhileTheProducerAndTheOtherDestinationGoOn()
      throws Exception {
    Hanging hanging = new Hanging();
    Counting counting = new Counting();
    LogDelivery delivery = new LogDelivery(List.of(hanging, counting), 100, root);

    long start = System.nanoTime();
    for (int n = 0; n < 20_000; n++) {
      delivery.publish(record(n));
    }
    long publishNanos = System.nanoTime() - start;

    assertThat(hanging.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // The producer never waited for the hanging write: 20,000 offers take milliseconds; the bound
    // is generous so that a loaded machine does not fail it.
    assertThat(publishNanos).isLessThan(TimeUnit.SECONDS.toNanos(5));
    // At most a batch in flight plus the buffer got through to the hanging destination.
    assertThat(delivery.dropped().get("hanging")).isGreaterThanOrEqualTo(20_000 - 100 - 500);
    long before = delivery.dropped().get("hanging");
    delivery.publish(record(-1));
    assertThat(delivery.dropped().get("hanging")).isEqualTo(before + 1);

    long closing = System.nanoTime();
    delivery.close();
    assertThat(System.nanoTime() - closing).isLessThan(TimeUnit.SECONDS.toNanos(3));
    // The healthy destination lost nothing it could keep up with.
    assertThat(counting.records.get() + delivery.dropped().get("counting")).isEqualTo(20_001);
  }

  @Test
  void aFailingDestinationCountsTheBatchesItLost() throws Exception {
    LogDestination failing =
        new LogDestination() {
          @Override
          public String name() {
            return "failing";
          }

          @Override
          public void write(List<LogRecord> batch) throws Exception {
            throw new java.io.IOException("disk full");
          }
        };
    LogDelivery delivery = new LogDelivery(List.of(failing), 1000, root);
    for (int n = 0; n < 10; n++) {
      delivery.publish(record(n));
    }
    delivery.close();

    assertThat(delivery.dropped()).containsEntry("failing", 10L);
  }

  @Test
  void filesGetEveryRecordOfEveryStreamAndTypeAfterClose() throws Exception {
    LogDelivery delivery = LogDelivery.open(root, LogOptions.defaults());
    delivery.publish(new LogRecord("pcs_a", LogType.SCALING, "{\"n\":1}"));
    delivery.publish(new LogRecord("pcs_b", LogType.AUDIT, "{\"n\":2}"));
    delivery.publish(new LogRecord(LogRecord.SERVER_STREAM, LogType.AUDIT, "{\"n\":3}"));
    delivery.close();

    assertThat(root.resolve("pcs_a/scaling.log")).hasContent("{\"n\":1}");
    assertThat(root.resolve("pcs_b/audit.log")).hasContent("{\"n\":2}");
    assertThat(root.resolve("_server/audit.log")).hasContent("{\"n\":3}");
    assertThat(delivery.dropped()).containsEntry("file", 0L);
  }

  @Test
  void aTaggedRecordNamesItsStreamAndType() {
    assertThat(record(7).tagged())
        .isEqualTo("{\"log_stream\":\"pcs_abc\",\"log_type\":\"scaling\",\"n\":7}");
  }
}
