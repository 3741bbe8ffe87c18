package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {
  static String status(String blocked, String ignored) {
    return "Name:\tcat\nSigQ:\t0/95324\nSigPnd:\t0000000000000000\nSigBlk:\t"
        + blocked
        + "\nSigIgn:\t"
        + ignored
        + "\nSigCgt:\t0000000000000000\n";
  }

  @Test
  void signalsAreCleanOnlyWithNothingBlockedAndNoStandardSignalIgnored() {
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000000000000"))).isTrue();
    // glibc's internal real-time signals 32 and 33 may be ignored
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000180000000"))).isTrue();
    // slurmscriptd's mask (slurm-lab §3): SIGTERM and friends blocked
    assertThat(Daemon.cleanSignals(status("0000000000897a27", "0000000000000000"))).isFalse();
    // SIGHUP ignored (nohup)
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000000000001"))).isFalse();
    assertThat(Daemon.cleanSignals("Name:\tcat\n")).isFalse();
  }

  @Test
  void theCheapestDetachThatGivesCleanSignalsIsChosen() {
    String clean = status("0000000000000000", "0000000000000000");
    String background = status("0000000000000000", "0000000000000006"); // SIGINT, SIGQUIT
    String slurmscriptd = status("0000000000897a27", "0000000000000000");
    assertThat(Daemon.Detach.choose(clean, null)).isEqualTo(Daemon.Detach.SETSID);
    assertThat(Daemon.Detach.choose(background, clean)).isEqualTo(Daemon.Detach.ENV);
    // env without --default-signal (coreutils before 8.31) failed
    assertThat(Daemon.Detach.choose(background, null)).isEqualTo(Daemon.Detach.PERL);
    // env cannot unblock
    assertThat(Daemon.Detach.choose(slurmscriptd, slurmscriptd)).isEqualTo(Daemon.Detach.PERL);
  }

  /**
   * What /bin/cat /proc/self/status prints when started through {@code way} from a shell that
   * ignores HUP, INT and QUIT.
   */
  record Through(long pid, String status) {}

  private static Through statusThrough(Daemon.Detach way) throws Exception {
    List<String> argv =
        new ArrayList<>(List.of("/bin/sh", "-c", "trap '' HUP INT QUIT; exec \"$@\"", "sh"));
    argv.addAll(way.prefix());
    argv.addAll(List.of("/bin/cat", "/proc/self/status"));
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return new Through(p.pid(), out);
  }

  @Test
  void envAndPerlResetSignalsIgnoredByTheParentAndSetsidAloneDoesNot() throws Exception {
    assertThat(Daemon.cleanSignals(statusThrough(Daemon.Detach.SETSID).status())).isFalse();
    assertThat(Daemon.cleanSignals(statusThrough(Daemon.Detach.ENV).status())).isTrue();
    assertThat(Daemon.cleanSignals(statusThrough(Daemon.Detach.PERL).status())).isTrue();
  }

  @Test
  void everyWayExecsInPlaceAndMakesTheDaemonASessionLeader() throws Exception {
    for (Daemon.Detach way : Daemon.Detach.values()) {
      Through t = statusThrough(way);
      // the pid the agent records is the daemon's: nothing on the way forks
      assertThat(field(t.status(), "Pid")).as(way + " pid").isEqualTo(String.valueOf(t.pid()));
      assertThat(field(t.status(), "NSsid"))
          .as(way + " session")
          .isEqualTo(String.valueOf(t.pid()));
    }
  }

  /**
   * A running daemon holds no descriptor of this JVM: each one would be inherited by every later
   * spawn, which must close them all (a burst's cost grew with the square of its size).
   */
  @Test
  void runningDaemonsHoldNoDescriptorOfThisJvmAndLogBothStreams(@TempDir Path dir)
      throws Exception {
    List<Daemon> daemons = new ArrayList<>();
    try {
      long before = openDescriptors();
      for (int i = 0; i < 8; i++) {
        Path out = dir.resolve("d" + i + ".out");
        daemons.add(
            Daemon.spawn(
                "d" + i,
                List.of("/bin/sh", "-c", "echo to-out; echo to-err >&2; exec sleep 60"),
                out,
                Daemon.baseEnvironment()));
      }
      for (Daemon d : daemons) {
        assertThat(d.alive()).isTrue();
      }
      // The JDK's own descriptors may come and go by one or two; a pipe per daemon would be 8.
      assertThat(openDescriptors() - before).isLessThan(4);
      Path out = dir.resolve("d0.out");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Files.readAllLines(out).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder("to-out", "to-err");
    } finally {
      for (Daemon d : daemons) {
        d.stop(Duration.ofSeconds(2));
      }
    }
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static String field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }
}
