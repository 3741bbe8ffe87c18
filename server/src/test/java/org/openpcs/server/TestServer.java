package org.openpcs.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.domain.Quotas;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.pcs.PcsClient;

/**
 * A real OpenPCS server on a free port with its own data dir, for integration tests. Uses the
 * embedded H2 store unless a JDBC URL is given. Accepts Slurm versions 24.11 and 25.05 on top of
 * whatever is installed, so API tests do not depend on the host's Slurm.
 */
public final class TestServer implements AutoCloseable {
  public static final List<String> VERSIONS = List.of("24.11", "25.05");

  private final OpenPcsServer server;
  private final Path dataDir;
  private final SigV4.Credentials admin;

  private TestServer(OpenPcsServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    AwsProfiles.Profile p =
        AwsProfiles.read(
                dataDir.resolve("aws/credentials"), dataDir.resolve("aws/config"), "openpcs")
            .orElseThrow();
    this.admin = new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey());
  }

  public static TestServer start() {
    return start(tempDir(), null, Quotas.defaults());
  }

  /**
   * The launch template and node image the API tests' requests name, registered in every data dir.
   */
  public static final String TEMPLATE = "lt-0123456789abcdef0";

  public static final String IMAGE = "ami-0123456789abcdef0";

  /** Registers {@link #TEMPLATE} (versions 1 and 2) and {@link #IMAGE} in a data dir. */
  public static void registerTestTemplates(Path dataDir) {
    var templates =
        new org.openpcs.provider.local.LaunchTemplates(dataDir.resolve("launch-templates"));
    if (templates.find(TEMPLATE).isEmpty()) {
      templates.create(TEMPLATE, "api tests", "", java.util.Map.of());
      templates.addVersion(TEMPLATE, "", java.util.Map.of());
    }
    var images = new org.openpcs.provider.local.NodeImages(dataDir.resolve("node-images"));
    if (!images.exists(IMAGE)) {
      images.register(IMAGE, "api tests", Path.of("/usr/sbin"), Path.of("/usr/bin"), null);
    }
  }

  public static TestServer start(Path dataDir, String databaseUrl, Quotas quotas) {
    registerTestTemplates(dataDir);
    ServerConfig config =
        new ServerConfig(
            new InetSocketAddress("127.0.0.1", 0),
            dataDir,
            databaseUrl,
            databaseUrl == null ? null : "postgres",
            null,
            null,
            null,
            quotas,
            VERSIONS,
            Duration.ofMillis(500));
    try {
      return new TestServer(OpenPcsServer.start(config), dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("openpcs-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create(server.endpoint());
  }

  public Path dataDir() {
    return dataDir;
  }

  public SigV4.Credentials admin() {
    return admin;
  }

  /** The official AWS SDK client, pointed at this server with the administrator key. */
  public PcsClient sdk() {
    return sdk(admin);
  }

  public PcsClient sdk(SigV4.Credentials credentials) {
    return PcsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
