package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WorkRootTest {
  private static Function<Path, Optional<String>> fs(Map<String, String> types) {
    return p -> Optional.ofNullable(types.get(p.toString()));
  }

  private static final long ROOMY = WorkRoot.MIN_FREE_BYTES;

  @Test
  void theFirstWritableTmpfsIsChosen() {
    WorkRoot r =
        WorkRoot.choose(null, fs(Map.of("/dev/shm", "tmpfs", "/tmp", "tmpfs")), p -> ROOMY);
    assertThat(r.dir()).isEqualTo(Path.of("/dev/shm"));
    assertThat(r.fileSystem()).isEqualTo("tmpfs");

    r = WorkRoot.choose("", fs(Map.of("/dev/shm", "ext4", "/tmp", "tmpfs")), p -> ROOMY);
    assertThat(r.dir()).isEqualTo(Path.of("/tmp"));
    assertThat(r.fileSystem()).isEqualTo("tmpfs");
  }

  @Test
  void withoutATmpfsTheLabsStayInTmp() {
    // /dev/shm missing or not writable, /tmp on a disk
    WorkRoot r = WorkRoot.choose(null, fs(Map.of("/tmp", "ext4")), p -> ROOMY);
    assertThat(r.dir()).isEqualTo(Path.of("/tmp"));
    assertThat(r.fileSystem()).isEqualTo("ext4");
    assertThat(r.describe()).isEqualTo("/tmp (ext4)");
  }

  @Test
  void aSmallTmpfsIsPassedOver() {
    // a container's 64 MiB /dev/shm
    WorkRoot r =
        WorkRoot.choose(
            null,
            fs(Map.of("/dev/shm", "tmpfs", "/tmp", "ext4")),
            p -> p.equals(Path.of("/dev/shm")) ? 64L << 20 : ROOMY);
    assertThat(r.dir()).isEqualTo(Path.of("/tmp"));
  }

  @Test
  void theEnvironmentOverridesEvenATmpfs() {
    WorkRoot r =
        WorkRoot.choose(
            "/scratch",
            fs(Map.of("/dev/shm", "tmpfs", "/tmp", "tmpfs", "/scratch", "xfs")),
            p -> ROOMY);
    assertThat(r.dir()).isEqualTo(Path.of("/scratch"));
    assertThat(r.fileSystem()).isEqualTo("xfs");
  }

  @Test
  void thisHostsChoiceIsAWritableDirectory() {
    WorkRoot r = WorkRoot.ofHost();
    assertThat(WorkRoot.writableFileSystem(r.dir())).contains(r.fileSystem());
  }
}
