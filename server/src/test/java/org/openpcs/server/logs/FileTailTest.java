package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailTest {
  @TempDir Path dir;

  private Path log() {
    return dir.resolve("slurmctld.log");
  }

  private Path state() {
    return dir.resolve("state/slurmctld.log");
  }

  private void append(String text) throws Exception {
    Files.writeString(log(), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static List<String> pollAndCommit(FileTail t) throws Exception {
    List<String> lines = t.poll();
    t.commit();
    return lines;
  }

  @Test
  void onlyCompleteLinesAreHandedOnOnce() throws Exception {
    FileTail t = new FileTail(log(), state());
    assertThat(pollAndCommit(t)).isEmpty();
    append("one\ntw");
    assertThat(pollAndCommit(t)).containsExactly("one");
    append("o\nthree\n");
    assertThat(pollAndCommit(t)).containsExactly("two", "three");
    assertThat(pollAndCommit(t)).isEmpty();
  }

  @Test
  void aRestartedTailContinuesWhereTheLastCommitLeftOff() throws Exception {
    append("a\nb\n");
    FileTail first = new FileTail(log(), state());
    assertThat(pollAndCommit(first)).containsExactly("a", "b");
    append("c\n");
    // Polled but not committed (a crash before the records were handed on): repeated later.
    assertThat(first.poll()).containsExactly("c");

    FileTail second = new FileTail(log(), state());
    append("d\n");
    assertThat(pollAndCommit(second)).containsExactly("c", "d");
    assertThat(pollAndCommit(new FileTail(log(), state()))).isEmpty();
  }

  @Test
  void truncationAndReplacementAreReadFromTheStart() throws Exception {
    append("a long first line\n");
    FileTail t = new FileTail(log(), state());
    assertThat(pollAndCommit(t)).containsExactly("a long first line");

    Files.writeString(log(), "x\n"); // truncated in place (copytruncate)
    assertThat(pollAndCommit(t)).containsExactly("x");

    Files.move(log(), dir.resolve("slurmctld.log.1")); // rotated by renaming
    append("fresh\n");
    assertThat(pollAndCommit(t)).containsExactly("fresh");
  }
}
