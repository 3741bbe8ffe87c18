package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The first daemon starts of a burst, on virtual threads with two carriers, while another virtual
 * thread holds the log appender: the detach probe must not stall them all. It once did, in a static
 * initializer: threads waiting for a class's initialisation keep their carriers, and the
 * initialising one waited for the appender, whose holder had no carrier left to finish on.
 *
 * <p>Runs in a JVM of its own: the probe is done once per JVM, and the carriers are set at start.
 */
class DaemonProbeDeadlockTest {

  @Test
  void theFirstDaemonStartsOfABurstDoNotStallOnTheProbe() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Djdk.virtualThreadScheduler.parallelism=2",
                "-Djdk.virtualThreadScheduler.maxPoolSize=2",
                "-cp",
                System.getProperty("java.class.path"),
                Burst.class.getName())
            .redirectErrorStream(true)
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(ended).as("the burst ended; output: %s", out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  /** The child JVM: one thread holds the appender, then eight agents ask for the detach way. */
  public static final class Burst {
    public static void main(String[] args) throws Exception {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAndStopAllAppenders();
      java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
      AppenderBase<ILoggingEvent> slow =
          new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
              if (e.getMessage().startsWith("hold")) {
                holding.countDown();
                try {
                  Thread.sleep(500); // a virtual thread gives its carrier up while it sleeps
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          };
      slow.setContext(ctx);
      slow.start();
      root.addAppender(slow);

      Thread holder =
          Thread.ofVirtual().start(() -> LoggerFactory.getLogger("test").info("hold the appender"));
      holding.await();
      List<Thread> agents = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        agents.add(Thread.ofVirtual().start(Daemon::detachWay));
      }
      holder.join(20_000);
      for (Thread t : agents) {
        t.join(20_000);
        if (t.isAlive()) {
          System.out.println("an agent is still waiting for the detach probe");
          System.exit(1);
        }
      }
      System.exit(0);
    }
  }
}
