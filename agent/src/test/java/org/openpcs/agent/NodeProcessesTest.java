package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeProcessesTest {
  @TempDir Path tmp;

  @Test
  void aNamespaceBelongsToTheInstanceWhoseHostRunItMounts() {
    String mountinfo =
        """
        25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        610 25 0:24 / /var/lib/openpcs/instances/i-1/ns/host-run rw,nosuid - tmpfs tmpfs rw
        611 25 8:1 /var/lib/x /run rw,relatime - ext4 /dev/sda1 rw
        """;
    assertThat(
            NodeProcesses.mountsAny(
                mountinfo, Set.of("/var/lib/openpcs/instances/i-1/ns/host-run")))
        .isTrue();
    assertThat(
            NodeProcesses.mountsAny(
                mountinfo, Set.of("/var/lib/openpcs/instances/i-2/ns/host-run")))
        .isFalse();
    // a prefix of a mount point is not the mount point
    assertThat(NodeProcesses.mountsAny(mountinfo, Set.of("/var/lib/openpcs/instances/i-1/ns")))
        .isFalse();
  }

  @Test
  void mountPointsWithEscapedCharactersAreCompared() {
    assertThat(NodeProcesses.unescape("/a\\040b/c\\134d")).isEqualTo("/a b/c\\d");
    assertThat(NodeProcesses.unescape("/plain")).isEqualTo("/plain");
    assertThat(NodeProcesses.unescape("/trailing\\04")).isEqualTo("/trailing\\04");
    assertThat(NodeProcesses.mountsAny("1 2 0:1 / /x\\040y rw - tmpfs tmpfs rw\n", Set.of("/x y")))
        .isTrue();
  }

  /**
   * What a terminated instance leaves when only its slurmd is stopped: processes in its private
   * mount namespace (here a shell and its child, as a job step and its job). They are killed; a
   * process of another instance's namespace and one of the host's are not.
   */
  @Test
  void everyProcessInTheInstancesNamespaceIsKilledAndNothingElse() throws Exception {
    assumeRootAndUnshare();
    Path mine = tmp.resolve("i-mine");
    Path other = tmp.resolve("i-other");
    Process job = inNamespace(mine);
    Process foreign = inNamespace(other);
    Process host = new ProcessBuilder("sleep", "600").start();
    try {
      awaitShellAndSleep(mine);

      assertThat(NodeProcesses.killAll(Map.of(mine, Optional.empty()))).isEqualTo(2);

      assertThat(job.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(NodeProcesses.running(List.of(mine))).isEmpty();
      assertThat(foreign.isAlive()).as("another instance's processes").isTrue();
      assertThat(host.isAlive()).as("the host's processes").isTrue();
      assertThat(NodeProcesses.killAll(Map.of())).isZero();
    } finally {
      NodeProcesses.killAll(Map.of(mine, Optional.empty(), other, Optional.empty()));
      job.destroyForcibly();
      foreign.destroyForcibly();
      host.destroyForcibly();
    }
  }

  /** A namespace read while slurmd ran is found by its id alone, without reading mount tables. */
  @Test
  void aKnownNamespaceIsKilledByItsId() throws Exception {
    assumeRootAndUnshare();
    Path mine = tmp.resolve("i-known");
    Process job = inNamespace(mine);
    try {
      awaitShellAndSleep(mine);
      String ns =
          Files.readSymbolicLink(Path.of("/proc", Long.toString(job.pid()), "ns", "mnt"))
              .toString();
      // a directory that mounts nothing: only the id can find the processes
      Path elsewhere = tmp.resolve("i-elsewhere");

      assertThat(NodeProcesses.killAll(Map.of(elsewhere, Optional.of(ns)))).isEqualTo(2);

      assertThat(job.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      NodeProcesses.killAll(Map.of(mine, Optional.empty()));
      job.destroyForcibly();
    }
  }

  @Test
  void noRecordedSlurmdMeansNoKnownNamespace() {
    assertThat(NodeProcesses.namespaceOf(tmp.resolve("i-never-booted"))).isEmpty();
  }

  private static void assumeRootAndUnshare() throws Exception {
    assumeTrue(
        "0"
                .equals(
                    new String(
                            new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                        .strip())
            && Files.isExecutable(Path.of("/usr/bin/unshare")),
        "needs root and unshare");
  }

  /** Until the shell has started its sleep (mount has exited by then): exactly two processes. */
  private static void awaitShellAndSleep(Path instanceDir) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && NodeProcesses.running(List.of(instanceDir)).stream()
            .noneMatch(pid -> commandOf(pid).startsWith("sleep"))) {
      Thread.sleep(50);
    }
    assertThat(NodeProcesses.running(List.of(instanceDir)))
        .as("the shell and its sleep")
        .hasSize(2);
  }

  private static String commandOf(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** A shell in a private mount namespace with the instance's host-run mounted, and a child. */
  private static Process inNamespace(Path instanceDir) throws Exception {
    Path hostRun = new NodePaths(instanceDir).hostRun();
    Files.createDirectories(hostRun);
    return new ProcessBuilder(
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mount --rbind /run \"$1\" || exit 1; sleep 600 & wait",
            "ns",
            hostRun.toString())
        .start();
  }
}
