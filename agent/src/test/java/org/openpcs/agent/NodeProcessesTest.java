package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assumeTrue(
        "0"
                .equals(
                    new String(
                            new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                        .strip())
            && Files.isExecutable(Path.of("/usr/bin/unshare")),
        "needs root and unshare");
    Path mine = tmp.resolve("i-mine");
    Path other = tmp.resolve("i-other");
    Process job = inNamespace(mine);
    Process foreign = inNamespace(other);
    Process host = new ProcessBuilder("sleep", "600").start();
    try {
      Set<String> mineOnly = Set.of(new NodePaths(mine).hostRun().toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (NodeProcesses.find(mineOnly).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(NodeProcesses.find(mineOnly)).as("the shell and its child").hasSize(2);

      assertThat(NodeProcesses.killAll(List.of(mine))).isEqualTo(2);

      assertThat(job.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(NodeProcesses.find(mineOnly)).isEmpty();
      assertThat(foreign.isAlive()).as("another instance's processes").isTrue();
      assertThat(host.isAlive()).as("the host's processes").isTrue();
      assertThat(NodeProcesses.killAll(List.of())).isZero();
    } finally {
      NodeProcesses.killAll(List.of(mine, other));
      job.destroyForcibly();
      foreign.destroyForcibly();
      host.destroyForcibly();
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
