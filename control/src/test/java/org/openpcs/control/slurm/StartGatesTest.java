package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.slurm.ClusterPaths;

/**
 * The start gate's program, run as slurmctld runs a PrologSlurmctld (the job in its environment),
 * against stand-ins for {@code sinfo} and {@code squeue} that print what the test wrote.
 */
class StartGatesTest {
  @TempDir Path root;
  private ClusterPaths paths;
  private Path nodeStates;
  private Path jobState;
  private final List<Process> programs = new ArrayList<>();
  private boolean slowMkfifo;

  @BeforeEach
  void setUp() throws IOException {
    paths = new ClusterPaths(root.resolve("pcs_abcdefghij"));
    nodeStates = root.resolve("node-states");
    jobState = root.resolve("job-state");
    Files.writeString(jobState, "CONFIGURING\n");
    Path sinfo = stub("sinfo", nodeStates);
    Path squeue = stub("squeue", jobState);
    StartGates.install(paths, StartGates.text(paths, sinfo, squeue, 1));
  }

  @AfterEach
  void tearDown() {
    programs.forEach(Process::destroyForcibly);
  }

  /** A stand-in that prints the file {@code prints} and counts its runs in {@code <name>.runs}. */
  private Path stub(String name, Path prints) throws IOException {
    Path p = root.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho >> '" + p + ".runs'\ncat '" + prints + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private Process start(String job, String nodes) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(StartGates.program(paths).toString());
    pb.environment().put("SLURM_JOB_ID", job);
    pb.environment().put("SLURM_JOB_NODELIST", nodes);
    if (slowMkfifo) {
      pb.environment().put("PATH", root.resolve("slow") + ":" + System.getenv("PATH"));
    }
    Process p = pb.redirectErrorStream(true).start();
    programs.add(p);
    return p;
  }

  private static void assertReturnsZero(Process p) throws InterruptedException {
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("returned").isTrue();
    assertThat(p.exitValue()).isZero();
  }

  /** Waits (at most 10 s) until the program has made its gate. */
  private void awaitGate(long job) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!StartGates.waiting(paths).containsKey(job) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(StartGates.waiting(paths)).containsKey(job);
  }

  @Test
  void aJobWhoseNodesAreUpPassesAtOnceAndLeavesNoGate() throws Exception {
    Files.writeString(nodeStates, "n1 allocated\nn2 mixed\n");

    assertReturnsZero(start("41", "n[1-2]"));
    assertThat(StartGates.waiting(paths)).isEmpty();
  }

  private int sinfoRuns() throws IOException {
    Path runs = root.resolve("sinfo.runs");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  private Set<String> markers() throws IOException {
    try (var files = Files.list(StartGates.upDir(paths))) {
      return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void nodesSeenUpAreMarkedAndTheNextJobThereAsksSlurmNothing() throws Exception {
    Files.writeString(nodeStates, "n1 allocated\nn2 mixed\n");
    assertReturnsZero(start("41", "n[1-2]"));
    assertThat(sinfoRuns()).isEqualTo(1);
    assertThat(markers()).containsExactlyInAnyOrder("n1", "n2");

    // were Slurm asked now it would say powering up: the markers answer, sinfo is not run
    Files.writeString(nodeStates, "n1 allocated#\n");
    assertReturnsZero(start("50", "n1"));
    assertReturnsZero(start("51", "n[1-2]"));
    assertThat(sinfoRuns()).isEqualTo(1);
  }

  @Test
  void oneNodeKnownUpIsAnsweredWithoutStartingBash() throws Exception {
    StartGates.markUp(paths, List.of("n1"));
    // a bash part that only notes the jobs it is handed
    Path handed = root.resolve("handed");
    Files.writeString(
        paths.bin().resolve(StartGates.PROGRAM + ".bash"),
        "#!/bin/bash\necho \"$SLURM_JOB_ID\" >> '" + handed + "'\n");

    assertReturnsZero(start("53", "n1"));
    assertReturnsZero(start("54", "n2"));
    assertReturnsZero(start("55", "n[1-2]"));
    assertThat(Files.readAllLines(handed))
        .as("n2, not known up, and a list go to bash; n1 does not")
        .containsExactly("54", "55");
  }

  @Test
  void aNodeWithoutAMarkerIsAskedForAndOneNotUpIsNeverMarked() throws Exception {
    StartGates.markUp(paths, List.of("n1"));
    Files.writeString(nodeStates, "n1 allocated\nn2 allocated#\n");
    Process p = start("52", "n[1-2]");
    awaitGate(52);
    assertThat(sinfoRuns()).isPositive();
    assertThat(markers()).containsExactly("n1");

    StartGates.forgetUp(paths);
    assertThat(markers()).isEmpty();
    assertThat(StartGates.open(paths, 52)).isTrue();
    assertReturnsZero(p);
  }

  @Test
  void onlyNodeNamesAreMarked() throws Exception {
    StartGates.markUp(paths, List.of("c-1", "../x", ".hidden", "a/b", ""));
    assertThat(markers()).containsExactly("c-1");
  }

  @Test
  void hostListsAreExpandedByBashAloneOrNotAtAll() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("g-1", "g-1");
    cases.put("g-[1-3,5]", "g-1 g-2 g-3 g-5");
    cases.put("a-1,b-[08-10]", "a-1 b-08 b-09 b-10");
    cases.put("n[8-10]", "n8 n9 n10");
    cases.put("q-[3],r", "q-3 r");
    // left to sinfo: two-dimensional, huge, reversed, not a host list
    cases.put("r[1-2]-n[1-2]", "!");
    cases.put("x[1-99999]", "!");
    cases.put("n[2-1]", "!");
    cases.put("a;b", "!");
    cases.put("../up", "!");
    for (var c : cases.entrySet()) {
      Process p =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  StartGateProgram.NAMES
                      + "\nif names \"$1\"; then echo \"${hosts[*]}\"; else echo '!'; fi",
                  "names",
                  c.getKey())
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(p.getInputStream().readAllBytes()).strip())
          .as(c.getKey())
          .isEqualTo(c.getValue());
    }
  }

  @Test
  void aJobOnNodesPoweringUpWaitsUntilTheServerOpensItsGate() throws Exception {
    Files.writeString(nodeStates, "n1 allocated#\nn2 allocated\n");
    Process p = start("42", "n[1-2]");
    awaitGate(42);
    assertThat(p.isAlive()).as("waits while a node powers up").isTrue();

    assertThat(StartGates.open(paths, 42)).isTrue();
    assertReturnsZero(p);
    assertThat(StartGates.waiting(paths)).as("the program removes its gate").isEmpty();
    assertThat(StartGates.open(paths, 42)).as("no gate left to open").isFalse();
  }

  @Test
  void aGateTheServerCanSeeAlreadyHasItsReader() throws Exception {
    // A FIFO nobody holds open drops what is written to it: a gate seen between its mkfifo and
    // the program's open would lose the server's word, and the job would wait for its nodes'
    // next look at Slurm. An mkfifo that lingers a second makes that window wide.
    Path slow = Files.createDirectories(root.resolve("slow"));
    Path mkfifo = slow.resolve("mkfifo");
    Files.writeString(mkfifo, "#!/bin/sh\n/usr/bin/mkfifo \"$@\" && sleep 1\n");
    Files.setPosixFilePermissions(mkfifo, PosixFilePermissions.fromString("rwx------"));
    slowMkfifo = true;
    Files.writeString(nodeStates, "n1 allocated#\n");
    Process p = start("49", "n1");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!StartGates.open(paths, 49) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }

    assertReturnsZero(p);
    assertThat(StartGates.waiting(paths)).isEmpty();
    assertThat(StartGates.dir(paths)).isEmptyDirectory();
  }

  @Test
  void withoutTheServerItLooksForItselfAndReturnsOnceTheNodesAreUp() throws Exception {
    Files.writeString(nodeStates, "n1 allocated~\n");
    Process p = start("43", "n1");
    awaitGate(43);

    Files.writeString(nodeStates, "n1 allocated\n");
    assertReturnsZero(p);
  }

  @Test
  void itReturnsWhenTheJobNoLongerWaitsForItsNodes() throws Exception {
    Files.writeString(nodeStates, "n1 idle~\n");
    Process p = start("44", "n1");
    awaitGate(44);

    Files.writeString(jobState, "PENDING\n");
    assertReturnsZero(p);
  }

  @Test
  void aProgramRunAgainForItsJobKeepsItsGateWhenTheOlderOneEnds() throws Exception {
    // slurmctld, restarted, runs the program again for a job whose program still runs
    Files.writeString(nodeStates, "n1 allocated#\n");
    Process older = start("48", "n1");
    awaitGate(48);
    Object olderGate = inode(48);
    Process newer = start("48", "n1");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (olderGate.equals(inode(48)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(inode(48)).as("the newer program's gate").isNotEqualTo(olderGate);

    older.destroy(); // SIGTERM: its exit trap runs
    assertThat(older.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(StartGates.waiting(paths)).as("the newer gate stays").containsKey(48L);
    assertThat(StartGates.open(paths, 48)).isTrue();
    assertReturnsZero(newer);
  }

  private Object inode(long job) throws IOException {
    try {
      return Files.getAttribute(
          StartGates.dir(paths).resolve(Long.toString(job)),
          "unix:ino",
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException gone) {
      return "none";
    }
  }

  @Test
  void aFailedLookAtSlurmIsNotTakenForNodesUp() throws Exception {
    Files.writeString(nodeStates, ""); // sinfo printed nothing
    Process p = start("45", "n1");
    awaitGate(45);
    assertThat(p.isAlive()).isTrue();
  }

  @Test
  void somethingThatIsNotAJobPassesAtOnce() throws Exception {
    Files.writeString(nodeStates, "n1 allocated#\n");

    assertReturnsZero(start("4;touch x", "n1"));
    assertReturnsZero(start("", "n1"));
    assertReturnsZero(start("46", ""));
    assertThat(StartGates.waiting(paths)).isEmpty();
  }

  @Test
  void onlyAFifoIsEverWrittenTo() throws IOException {
    Path file = Files.writeString(StartGates.dir(paths).resolve("47"), "");

    assertThat(StartGates.open(paths, 47)).isFalse();
    assertThat(Files.readString(file)).isEmpty();
  }

  @Test
  void theSweepRemovesOnlyOldGatesOfJobsThatNoLongerWait() throws Exception {
    // and two programs killed before they named their gate: 51's still waits, 52's does not
    for (String job : new String[] {"51", "52", "53", ".51.998", ".52.999"}) {
      Process mk =
          new ProcessBuilder("mkfifo", StartGates.dir(paths).resolve(job).toString()).start();
      assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    Instant now = Instant.now();
    for (String job : new String[] {"51", "52", ".51.998", ".52.999"}) {
      // touch, not Files.setLastModifiedTime, which opens the FIFO and blocks without a writer
      String tenSecondsAgo = "@" + now.minusSeconds(10).getEpochSecond();
      Process age =
          new ProcessBuilder(
                  "touch", "-m", "-d", tenSecondsAgo, StartGates.dir(paths).resolve(job).toString())
              .start();
      assertThat(age.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    // 51 still waits; 52 and 53 do not, but 53's gate is younger than the read of the jobs
    StartGates.sweep(paths, Set.of(51L), now.minusSeconds(5));
    assertThat(StartGates.waiting(paths).keySet()).containsExactlyInAnyOrder(51L, 53L);
    try (var left = Files.list(StartGates.dir(paths))) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("51", "53", ".51.998");
    }
  }
}
