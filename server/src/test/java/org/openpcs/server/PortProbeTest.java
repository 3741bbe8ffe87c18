package org.openpcs.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PortProbeTest {
  @Test
  void aListeningPortIsTakenAndAPortInTimeWaitIsFreeAsForSlurmd() throws Exception {
    int port;
    try (ServerSocket listener = new ServerSocket()) {
      listener.setReuseAddress(true); // as slurmd and slurmctld bind
      listener.bind(new InetSocketAddress(0));
      port = listener.getLocalPort();
      assertThat(Infrastructure.portFree(port)).as("listening").isFalse();
      Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
      Socket accepted = listener.accept();
      // The listening side closes first, as a stopped slurmd does: once the other side has closed
      // too, its end waits in TIME_WAIT.
      accepted.close();
      client.close();
    }
    awaitTimeWait(port);
    assertThat(Infrastructure.portFree(port)).as("only TIME_WAIT left").isTrue();
  }

  /** Waits until /proc/net/tcp{,6} shows a socket of the local port in TIME_WAIT (state 06). */
  private static void awaitTimeWait(int port) throws IOException, InterruptedException {
    String local = String.format(":%04X ", port);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      // Java's wildcard sockets are IPv6 ones that also take IPv4: look in both tables.
      for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("06")) {
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no socket of port " + port + " reached TIME_WAIT");
  }
}
