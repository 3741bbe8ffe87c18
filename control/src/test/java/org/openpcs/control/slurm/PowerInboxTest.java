package org.openpcs.control.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.slurm.ClusterPaths;

class PowerInboxTest {
  @TempDir Path root;
  private ClusterPaths paths;

  @BeforeEach
  void setUp() {
    paths = new ClusterPaths(root.resolve("pcs_abcdefghij"));
  }

  /** Runs an installed program the way slurmctld does: one argument, the host list. */
  private void run(String program, String hostlist) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sh", paths.bin().resolve(program).toString(), hostlist)
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s returned", program).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s failed: %s", program, out).isZero();
  }

  private Path drop(String name, String content) throws IOException {
    Files.createDirectories(PowerPrograms.inbox(paths));
    return Files.writeString(PowerPrograms.inbox(paths).resolve(name), content);
  }

  @Test
  void installWritesThreeExecutablePrograms() throws IOException {
    PowerPrograms.install(paths);

    for (String action : List.of("resume", "suspend", "resume-fail")) {
      Path program = paths.bin().resolve(action);
      assertThat(program).isRegularFile();
      assertThat(Files.getPosixFilePermissions(program))
          .contains(
              PosixFilePermission.OWNER_EXECUTE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE);
      assertThat(Files.readString(program))
          .startsWith("#!/bin/sh\n")
          .contains(PowerPrograms.inbox(paths).toString());
    }
    assertThat(PowerPrograms.inbox(paths)).isDirectory();
    assertThat(PowerInbox.pending(paths)).isEmpty();
  }

  @Test
  void aPowerDownOrAFailedResumeForgetsEveryNodeKnownUpAndAResumeDoesNot() throws Exception {
    PowerPrograms.install(paths);
    StartGates.install(paths, "#!/bin/bash\nexit 0\n");
    for (String program : List.of("suspend", "resume-fail", "resume")) {
      StartGates.markUp(paths, List.of("compute-1", "compute-2"));
      run(program, "compute-2");
      try (var left = Files.list(StartGates.upDir(paths))) {
        // all of them, not only the given node's: no host list to expand
        assertThat(left.count()).as(program).isEqualTo(program.equals("resume") ? 2 : 0);
      }
    }
    assertThat(PowerInbox.pending(paths)).hasSize(3);
  }

  @Test
  void installIsIdempotentAndRepairsAChangedProgram() throws IOException {
    PowerPrograms.install(paths);
    Path resume = paths.bin().resolve("resume");
    String original = Files.readString(resume);

    PowerPrograms.install(paths);
    assertThat(Files.readString(resume)).isEqualTo(original);

    Files.writeString(resume, "#!/bin/sh\nexit 1\n");
    PowerPrograms.install(paths);
    assertThat(Files.readString(resume)).isEqualTo(original);
    assertThat(Files.isExecutable(resume)).isTrue();
    try (var files = Files.list(paths.bin())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("resume", "suspend", "resume-fail");
    }
  }

  @Test
  void theRealResumeProgramHandsItsHostListToTheInbox() throws Exception {
    PowerPrograms.install(paths);

    java.time.Instant before = java.time.Instant.now();
    run("resume", "compute-[1-3]");
    java.time.Instant after = java.time.Instant.now();

    List<PowerInbox.Request> pending = PowerInbox.pending(paths);
    // when slurmctld asked, to the nanosecond the program read from the clock (D54)
    assertThat(pending.get(0).requestedAt()).isBetween(before, after);
    assertThat(pending)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(PowerPrograms.RESUME);
              assertThat(r.nodes()).containsExactly("compute-1", "compute-2", "compute-3");
              assertThat(r.file().getFileName().toString()).matches("resume-\\d+-\\d+");
            });
  }

  @Test
  void everyProgramNamesItsOwnActionAndRequestsComeOldestFirst() throws Exception {
    PowerPrograms.install(paths);

    run("suspend", "gpu-2");
    run("resume-fail", "a-1,b-[2-3]");
    run("resume", "compute-[1-2,4]");

    List<PowerInbox.Request> pending = PowerInbox.pending(paths);
    assertThat(pending)
        .extracting(PowerInbox.Request::action)
        .containsExactly("suspend", "resume-fail", "resume");
    assertThat(pending.get(0).nodes()).containsExactly("gpu-2");
    assertThat(pending.get(1).nodes()).containsExactly("a-1", "b-2", "b-3");
    assertThat(pending.get(2).nodes()).containsExactly("compute-1", "compute-2", "compute-4");
  }

  @Test
  void requestsAreOrderedByTheirNumericTimeStampNotByName() throws IOException {
    drop("suspend-300-1", "n-3\n");
    drop("resume-1000-7", "n-4\n");
    drop("resume-99-2", "n-1\n");
    drop("resume-fail-200-3", "n-2\n");

    assertThat(PowerInbox.pending(paths))
        .extracting(r -> r.nodes().get(0))
        .containsExactly("n-1", "n-2", "n-3", "n-4");
    assertThat(PowerInbox.pending(paths))
        .extracting(PowerInbox.Request::action)
        .containsExactly("resume", "resume-fail", "suspend", "resume");
  }

  @Test
  void hiddenFilesAreIgnored() throws IOException {
    drop(".resume-100-1", "half-written\n");
    drop(".resume.tmp", "x\n");
    drop("resume-200-2", "n-1\n");

    assertThat(PowerInbox.pending(paths))
        .singleElement()
        .satisfies(r -> assertThat(r.nodes()).containsExactly("n-1"));
  }

  @Test
  void doneForgetsARequest() throws Exception {
    PowerPrograms.install(paths);
    run("resume", "compute-1");
    run("suspend", "compute-2");
    List<PowerInbox.Request> pending = PowerInbox.pending(paths);

    pending.get(0).done();

    assertThat(pending.get(0).file()).doesNotExist();
    assertThat(PowerInbox.pending(paths))
        .extracting(PowerInbox.Request::action)
        .containsExactly("suspend");
    pending.get(0).done(); // a second done is harmless
  }

  @Test
  void anEmptyOrUnreadableHostListGivesARequestWithoutNodes() throws IOException {
    drop("resume-100-1", "\n");
    drop("suspend-200-2", "compute-[1-\n");

    assertThat(PowerInbox.pending(paths))
        .extracting(PowerInbox.Request::action, r -> r.nodes().size())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("resume", 0),
            org.assertj.core.groups.Tuple.tuple("suspend", 0));
  }

  @Test
  void aClusterWithoutAnInboxHasNothingPending() {
    assertThat(PowerInbox.pending(paths)).isEmpty();
  }

  @Test
  void aStrayFileDoesNotBlockTheRealRequests() throws IOException {
    drop("README", "not a request\n");
    drop("resume-100-1", "n-1\n");

    assertThat(PowerInbox.pending(paths))
        .filteredOn(r -> r.action().equals(PowerPrograms.RESUME))
        .singleElement()
        .satisfies(r -> assertThat(r.nodes()).containsExactly("n-1"));
  }
}
