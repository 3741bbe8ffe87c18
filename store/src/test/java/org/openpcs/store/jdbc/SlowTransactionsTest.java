package org.openpcs.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.store.StoreFixtures;
import org.slf4j.LoggerFactory;

class SlowTransactionsTest {
  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }

  @Test
  void quickTransactionsAreNotReported() {
    assertThat(SlowTransactions.describe(ms(4_999), ms(999), ms(4_999), ms(999))).isNull();
    assertThat(SlowTransactions.describe(0, 0, 0, 0)).isNull();
  }

  @Test
  void aLongWaitForAConnectionOrTheGateOrALongHoldIsReportedWithEveryFigure() {
    assertThat(SlowTransactions.describe(ms(5_000), ms(30), ms(12), ms(3)))
        .isEqualTo(
            "waited 5000 ms for a connection and held it 30 ms; waited 12 ms for the write gate"
                + " and held it 3 ms");
    assertThat(SlowTransactions.describe(0, ms(1_200), 0, 0)).contains("held it 1200 ms;");
    assertThat(SlowTransactions.describe(0, ms(7_300), ms(7_250), ms(3)))
        .contains("waited 7250 ms for the write gate");
    assertThat(SlowTransactions.describe(0, ms(1_000), 0, ms(1_000)))
        .endsWith("and held it 1000 ms");
  }

  @Test
  void aStallThatSlowsManyTransactionsAtOnceGivesOneWarningAndThenACount() throws Exception {
    ListAppender<ILoggingEvent> log = capture();
    SlowTransactions slow = new SlowTransactions(Duration.ofMillis(200));
    Sql reader = new Sql(null, WriteGate.OPEN);
    try {
      for (int i = 0; i < 5; i++) {
        slow.report(0, ms(1_500), reader);
      }
      slow.report(0, ms(10), reader); // not slow: not counted
      sleep(Duration.ofMillis(250));
      slow.report(ms(6_000), ms(20), reader);
    } finally {
      release(log);
    }
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .hasSize(2)
        .satisfies(
            m -> {
              assertThat(m.get(0)).contains("held it 1500 ms").doesNotContain("more since");
              assertThat(m.get(1))
                  .contains("waited 6000 ms for a connection")
                  .endsWith("(and 4 more since the last such warning)");
            });
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(SlowTransactions.class)).addAppender(log);
    return log;
  }

  private static void release(ListAppender<ILoggingEvent> log) {
    ((Logger) LoggerFactory.getLogger(SlowTransactions.class)).detachAppender(log);
  }

  @Test
  void aReaderOrWriterHoldingItsConnectionOverASecondIsLoggedWithTheCodeThatRanIt(@TempDir Path dir)
      throws Exception {
    ListAppender<ILoggingEvent> log = capture();
    try (JdbcStore store = JdbcStore.open(JdbcStore.h2FileUrl(dir), "sa", "")) {
      store.inTransaction(tx -> tx.findCluster("quick"));
      store.inTransaction(
          tx -> {
            sleep(Duration.ofMillis(1_100));
            return tx.findCluster("slow");
          });
      store.inTransaction(
          tx -> {
            tx.insertCluster(StoreFixtures.cluster(StoreFixtures.uniqueName("slow")));
            sleep(Duration.ofMillis(1_100));
            return null;
          });
    } finally {
      release(log);
    }
    assertThat(log.list).hasSize(2).allMatch(e -> e.getLevel() == Level.WARN);
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .allMatch(m -> m.startsWith("slow store transaction from SlowTransactionsTest."));
    assertThat(log.list.get(0).getFormattedMessage())
        .containsPattern("held it 1[0-9]{3} ms; waited 0 ms for the write gate and held it 0 ms$");
    assertThat(log.list.get(1).getFormattedMessage())
        .containsPattern("write gate and held it 1[0-9]{3} ms$");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
