package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpcs.api.client.AwsProfiles;

/**
 * Where the endpoint, region and keys come from: flags, then environment, then the profile in
 * {@code $OPENPCS_HOME/aws}, then {@code ~/.aws}, then the local defaults. Every case is checked on
 * the wire: which access key signed the request, for which region, at which endpoint.
 */
class CredentialResolutionTest {
  @TempDir Path home;
  @TempDir Path openpcsHome;
  private StubServer stub;

  @BeforeEach
  void start() {
    stub = StubServer.start();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  /** An environment with no AWS variables at all: only what the test adds. */
  private CliEnvironment bare(String... extra) {
    String[] all = new String[extra.length + 6];
    all[0] = "AWS_ACCESS_KEY_ID";
    all[1] = null;
    all[2] = "AWS_SECRET_ACCESS_KEY";
    all[3] = null;
    all[4] = "OPENPCS_HOME";
    all[5] = openpcsHome.toString();
    System.arraycopy(extra, 0, all, 6, extra.length);
    return CliRunner.env(home, null, all);
  }

  /** Writes a profile the way the server does at first start. */
  private void serverWritesProfile(Path dir, String name, String key, String region) {
    AwsProfiles.write(
        dir.resolve("credentials"),
        dir.resolve("config"),
        new AwsProfiles.Profile(name, key, "secret-" + key, region, stub.url()));
  }

  private String signedWith() {
    String auth = stub.only().headers().getFirst("Authorization");
    int start = auth.indexOf("Credential=") + "Credential=".length();
    String scope = auth.substring(start, auth.indexOf(',', start));
    String[] parts = scope.split("/");
    return parts[0] + "@" + parts[2]; // access key @ region
  }

  private CliRunner.Result run(CliEnvironment env, String... args) {
    CliRunner.Result r = CliRunner.run(env, args);
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    return r;
  }

  @Test
  void theOpenpcsProfileTheServerWroteIsUsedByDefault() {
    serverWritesProfile(openpcsHome.resolve("aws"), "openpcs", "AKIDSERVER", "eu-west-1");

    run(bare(), "list-clusters");

    assertThat(signedWith()).isEqualTo("AKIDSERVER@eu-west-1");
  }

  @Test
  void openpcsHomeDefaultsToDotOpenpcsInTheHomeDirectory() {
    serverWritesProfile(
        home.resolve(".openpcs").resolve("aws"), "openpcs", "AKIDHOME", "eu-north-1");

    run(
        CliRunner.env(home, null, "AWS_ACCESS_KEY_ID", null, "AWS_SECRET_ACCESS_KEY", null),
        "list-clusters");

    assertThat(signedWith()).isEqualTo("AKIDHOME@eu-north-1");
  }

  @Test
  void environmentVariablesBeatTheProfileAndFlagsBeatBoth() {
    serverWritesProfile(openpcsHome.resolve("aws"), "openpcs", "AKIDSERVER", "eu-west-1");

    run(
        bare(
            "AWS_ACCESS_KEY_ID",
            "AKIDENV",
            "AWS_SECRET_ACCESS_KEY",
            "s",
            "AWS_REGION",
            "ap-south-1"),
        "list-clusters",
        "--region",
        "us-west-2");

    assertThat(signedWith()).isEqualTo("AKIDENV@us-west-2");
  }

  @Test
  void anExplicitProfileBeatsEnvironmentCredentialsAsInBotocore() throws Exception {
    Path aws = Files.createDirectories(home.resolve(".aws"));
    serverWritesProfile(aws, "lab", "AKIDLAB", "ca-central-1");

    run(
        bare("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "s"),
        "list-clusters",
        "--profile",
        "lab");

    assertThat(signedWith()).isEqualTo("AKIDLAB@ca-central-1");
  }

  @Test
  void awsProfileSelectsAProfileAndDotAwsIsTheFallback() throws Exception {
    serverWritesProfile(openpcsHome.resolve("aws"), "openpcs", "AKIDSERVER", "eu-west-1");
    serverWritesProfile(home.resolve(".aws"), "other", "AKIDOTHER", "sa-east-1");

    run(bare("AWS_PROFILE", "other"), "list-clusters");

    assertThat(signedWith()).isEqualTo("AKIDOTHER@sa-east-1");
  }

  @Test
  void endpointVariablesBeatTheProfileEndpoint() {
    // the profile points nowhere useful; the variables must win
    AwsProfiles.write(
        openpcsHome.resolve("aws").resolve("credentials"),
        openpcsHome.resolve("aws").resolve("config"),
        new AwsProfiles.Profile("openpcs", "AKIDSERVER", "s", null, "http://127.0.0.1:9"));

    run(
        bare("AWS_ENDPOINT_URL", "http://127.0.0.1:9", "AWS_ENDPOINT_URL_PCS", stub.url()),
        "list-clusters");

    assertThat(signedWith()).isEqualTo("AKIDSERVER@us-east-1");
  }

  @Test
  void withoutAnyCredentialsTheMessageSaysToStartTheServer() {
    CliRunner.Result r = CliRunner.run(bare(), "list-clusters", "--endpoint-url", stub.url());

    assertThat(r.exitCode()).isEqualTo(253);
    assertThat(r.err())
        .contains("Unable to locate credentials")
        .contains("openpcs server")
        .contains(openpcsHome.resolve("aws").resolve("credentials").toString())
        .contains("--profile");
    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void anExplicitProfileThatDoesNotExistIsAConfigurationError() {
    CliRunner.Result r = CliRunner.run(bare(), "list-clusters", "--profile", "nope");

    assertThat(r.exitCode()).isEqualTo(253);
    assertThat(r.err()).isEqualTo("\nThe config profile (nope) could not be found\n");
  }

  @Test
  void defaultsAreALocalServerInUsEast1() {
    CredentialResolver.Target t =
        new CredentialResolver(bare("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"))
            .resolve(null, null, null);

    assertThat(t.endpoint()).hasToString("http://127.0.0.1:8080");
    assertThat(t.region()).isEqualTo("us-east-1");
    assertThat(t.profile()).isEqualTo("openpcs");
  }
}
