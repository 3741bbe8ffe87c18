package org.openpcs.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.api.client.AwsProfiles.Profile;

class AwsProfilesTest {
  @TempDir Path home;

  private Path credentials() {
    return home.resolve(".aws/credentials");
  }

  private Path config() {
    return home.resolve(".aws/config");
  }

  private static final Profile LOCAL =
      new Profile("openpcs", "AKIALOCAL", "s3cr3t/+=", "us-east-1", "http://127.0.0.1:8080");

  @Test
  void writesFilesTheAwsCliUnderstands() throws IOException {
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(Files.readString(credentials()))
        .isEqualTo("[openpcs]\naws_access_key_id = AKIALOCAL\naws_secret_access_key = s3cr3t/+=\n");
    assertThat(Files.readString(config()))
        .isEqualTo(
            "[profile openpcs]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:8080\n"
                + "output = json\n");
  }

  @Test
  void roundTrips() {
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(AwsProfiles.read(credentials(), config(), "openpcs")).contains(LOCAL);
  }

  @Test
  void theDefaultProfileHasNoPrefixInConfig() throws IOException {
    Profile p = new Profile("default", "AK", "SK", "eu-west-1", null);
    AwsProfiles.write(credentials(), config(), p);
    assertThat(Files.readString(config()))
        .isEqualTo("[default]\nregion = eu-west-1\noutput = json\n");
    assertThat(AwsProfiles.read(credentials(), config(), "default")).contains(p);
  }

  @Test
  void replacesItsOwnSectionAndKeepsEverythingElse() throws IOException {
    Files.createDirectories(config().getParent());
    Files.writeString(
        credentials(),
        "# managed by hand\n[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n\n"
            + "[openpcs]\naws_access_key_id = OLD\naws_secret_access_key = OLDS\n"
            + "[work]\naws_access_key_id = WORK\naws_secret_access_key = WORKS\n");
    Files.writeString(
        config(),
        "[default]\nregion = eu-west-1\n\n[profile openpcs]\nregion = ap-south-1\n"
            + "cli_pager =\n\n[profile work]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 4\n");

    AwsProfiles.write(credentials(), config(), LOCAL);

    assertThat(Files.readString(credentials()))
        .isEqualTo(
            "# managed by hand\n[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n\n"
                + "[openpcs]\naws_access_key_id = AKIALOCAL\naws_secret_access_key = s3cr3t/+=\n\n"
                + "[work]\naws_access_key_id = WORK\naws_secret_access_key = WORKS\n");
    assertThat(Files.readString(config()))
        .isEqualTo(
            "[default]\nregion = eu-west-1\n\n[profile openpcs]\nregion = us-east-1\n"
                + "endpoint_url = http://127.0.0.1:8080\noutput = json\n\n[profile work]\n"
                + "region = us-west-2\ns3 =\n  max_concurrent_requests = 4\n");
    assertThat(AwsProfiles.read(credentials(), config(), "work"))
        .contains(new Profile("work", "WORK", "WORKS", "us-west-2", null));
    assertThat(AwsProfiles.read(credentials(), config(), "default"))
        .contains(new Profile("default", "DEF", "DEFS", "eu-west-1", null));
  }

  @Test
  void writingTwiceChangesNothing() throws IOException {
    AwsProfiles.write(credentials(), config(), LOCAL);
    String creds = Files.readString(credentials());
    String conf = Files.readString(config());
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(Files.readString(credentials())).isEqualTo(creds);
    assertThat(Files.readString(config())).isEqualTo(conf);
  }

  @Test
  void theDefaultProfileAlsoReplacesProfileDefault() throws IOException {
    Files.createDirectories(config().getParent());
    Files.writeString(config(), "[profile default]\nregion = old\n");
    AwsProfiles.write(credentials(), config(), new Profile("default", "AK", "SK", "new", null));
    assertThat(Files.readString(config())).isEqualTo("[default]\nregion = new\noutput = json\n");
  }

  @Test
  void aMissingProfileIsEmpty() {
    assertThat(AwsProfiles.read(credentials(), config(), "nope")).isEmpty();
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(AwsProfiles.read(credentials(), config(), "nope")).isEmpty();
  }

  @Test
  void readsKeysFromTheConfigFileToo() throws IOException {
    Files.createDirectories(config().getParent());
    Files.writeString(
        config(),
        "[profile ci]\n; comment\naws_access_key_id = CI\naws_secret_access_key = CIS\n"
            + "region = us-east-2\n");
    assertThat(AwsProfiles.read(credentials(), config(), "ci"))
        .contains(new Profile("ci", "CI", "CIS", "us-east-2", null));
  }

  @Test
  void filesAreOwnerOnlyAndNewDirectoriesPrivate() throws IOException {
    assumeTrue(home.getFileSystem().supportedFileAttributeViews().contains("posix"));
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void tightensALooseExistingFileAndLeavesNoTempFiles() throws IOException {
    assumeTrue(home.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Files.createDirectories(credentials().getParent());
    Files.writeString(credentials(), "[x]\naws_access_key_id = X\n");
    Files.setPosixFilePermissions(credentials(), PosixFilePermissions.fromString("rw-r--r--"));
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials())))
        .isEqualTo("rw-------");
    try (var files = Files.list(credentials().getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("credentials", "config");
    }
  }

  @Test
  void writesThroughASymlink() throws IOException {
    Path real = home.resolve("dotfiles/aws-credentials");
    Files.createDirectories(real.getParent());
    Files.writeString(real, "[keep]\naws_access_key_id = K\n");
    Files.createDirectories(credentials().getParent());
    Files.createSymbolicLink(credentials(), real);
    AwsProfiles.write(credentials(), config(), LOCAL);
    assertThat(Files.isSymbolicLink(credentials())).isTrue();
    assertThat(Files.readString(real)).startsWith("[keep]\n").contains("[openpcs]");
  }

  @Test
  void rejectsNamesAndValuesThatWouldCorruptTheFile() {
    assertThatThrownBy(() -> new Profile("a]b", "A", "S", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Profile(" ", "A", "S", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Profile("p", "A", "S\n[evil]", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                AwsProfiles.write(credentials(), config(), new Profile("p", null, null, "r", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverPrintsTheSecret() {
    assertThat(LOCAL.toString()).contains("AKIALOCAL").doesNotContain("s3cr3t");
    assertThat(Optional.of(LOCAL).toString()).doesNotContain("s3cr3t");
  }
}
