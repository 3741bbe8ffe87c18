package org.openpcs.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.api.client.AwsProfiles.Profile;

/**
 * Where to send a request and how to sign it. Each setting comes from the first of: the command's
 * flags, the AWS environment variables, the profile (named by {@code --profile}, else {@code
 * AWS_PROFILE}, else {@code openpcs}) in {@code $OPENPCS_HOME/aws/}, the same profile in {@code
 * ~/.aws/}, and a default for a local server.
 *
 * <p>As in botocore, an explicit {@code --profile} beats credentials in the environment: the user
 * asked for that profile by name, so stray {@code AWS_ACCESS_KEY_ID}s must not override it.
 */
final class CredentialResolver {
  static final String DEFAULT_PROFILE = "openpcs";
  static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8080";
  static final String DEFAULT_REGION = "us-east-1";

  /** The resolved target of a call; {@code credentialSource} is for {@code --debug}. */
  record Target(
      URI endpoint,
      String region,
      SigV4.Credentials credentials,
      String profile,
      String credentialSource) {}

  private final CliEnvironment env;

  CredentialResolver(CliEnvironment env) {
    this.env = env;
  }

  Target resolve(String endpointFlag, String regionFlag, String profileFlag) {
    String profileName =
        Optional.ofNullable(profileFlag).or(() -> env.get("AWS_PROFILE")).orElse(DEFAULT_PROFILE);
    Optional<Profile> openpcs = read(openpcsCredentials(), openpcsConfig(), profileName);
    Optional<Profile> aws = read(awsCredentials(), awsConfig(), profileName);
    if (profileFlag != null && openpcs.isEmpty() && aws.isEmpty()) {
      throw CliFailure.config("The config profile (" + profileName + ") could not be found");
    }

    String endpoint =
        first(
            Optional.ofNullable(endpointFlag),
            env.get("AWS_ENDPOINT_URL_PCS"),
            env.get("AWS_ENDPOINT_URL"),
            openpcs.map(Profile::endpointUrl),
            aws.map(Profile::endpointUrl),
            Optional.of(DEFAULT_ENDPOINT));
    String region =
        first(
            Optional.ofNullable(regionFlag),
            env.get("AWS_REGION"),
            env.get("AWS_DEFAULT_REGION"),
            openpcs.map(Profile::region),
            aws.map(Profile::region),
            Optional.of(DEFAULT_REGION));

    Optional<SigV4.Credentials> fromEnv =
        profileFlag != null ? Optional.empty() : environmentCredentials();
    Optional<SigV4.Credentials> fromOpenpcs = openpcs.flatMap(CredentialResolver::credentials);
    Optional<SigV4.Credentials> fromAws = aws.flatMap(CredentialResolver::credentials);
    String source;
    SigV4.Credentials creds;
    if (fromEnv.isPresent()) {
      creds = fromEnv.get();
      source = "environment variables";
    } else if (fromOpenpcs.isPresent()) {
      creds = fromOpenpcs.get();
      source = "profile " + profileName + " in " + openpcsCredentials();
    } else if (fromAws.isPresent()) {
      creds = fromAws.get();
      source = "profile " + profileName + " in " + awsCredentials();
    } else {
      throw CliFailure.config(noCredentialsMessage(profileName));
    }
    return new Target(
        parseEndpoint(endpoint, endpointFlag != null), region, creds, profileName, source);
  }

  private String noCredentialsMessage(String profileName) {
    return "Unable to locate credentials for profile "
        + profileName
        + ". Start the OpenPCS server first (`openpcs server`): it writes the `"
        + DEFAULT_PROFILE
        + "` profile to "
        + openpcsCredentials()
        + " and "
        + openpcsConfig()
        + ". Or pass --profile <name> for a profile in ~/.aws, or set AWS_ACCESS_KEY_ID and"
        + " AWS_SECRET_ACCESS_KEY.";
  }

  private Optional<SigV4.Credentials> environmentCredentials() {
    Optional<String> id = env.get("AWS_ACCESS_KEY_ID");
    Optional<String> secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id.isPresent() && secret.isPresent()) {
      return Optional.of(new SigV4.Credentials(id.get(), secret.get()));
    }
    return Optional.empty();
  }

  private static Optional<SigV4.Credentials> credentials(Profile p) {
    if (p.accessKeyId() == null || p.secretAccessKey() == null) {
      return Optional.empty();
    }
    return Optional.of(new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey()));
  }

  private static Optional<Profile> read(Path credentials, Path config, String name) {
    try {
      return AwsProfiles.read(credentials, config, name);
    } catch (java.io.UncheckedIOException e) {
      throw CliFailure.config(
          "Unable to read profile "
              + name
              + " from "
              + credentials
              + " or "
              + config
              + ": "
              + e.getCause().getMessage());
    }
  }

  Path openpcsCredentials() {
    return env.openpcsHome().resolve("aws").resolve("credentials");
  }

  Path openpcsConfig() {
    return env.openpcsHome().resolve("aws").resolve("config");
  }

  private Path awsCredentials() {
    return env.get("AWS_SHARED_CREDENTIALS_FILE")
        .map(Path::of)
        .orElse(env.home().resolve(".aws").resolve("credentials"));
  }

  private Path awsConfig() {
    return env.get("AWS_CONFIG_FILE")
        .map(Path::of)
        .orElse(env.home().resolve(".aws").resolve("config"));
  }

  @SafeVarargs
  private static String first(Optional<String>... candidates) {
    return Stream.of(candidates)
        .flatMap(Optional::stream)
        .filter(s -> !s.isBlank())
        .findFirst()
        .orElseThrow();
  }

  private static URI parseEndpoint(String value, boolean fromFlag) {
    String where = fromFlag ? "--endpoint-url" : "endpoint URL";
    try {
      URI uri = new URI(value.strip());
      if (uri.getScheme() == null
          || !(uri.getScheme().equalsIgnoreCase("http")
              || uri.getScheme().equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw CliFailure.param(
            "Bad value for "
                + where
                + " \""
                + value
                + "\": scheme is missing. Must be of the form http://<hostname>/ or"
                + " https://<hostname>/");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw CliFailure.param("Bad value for " + where + " \"" + value + "\": " + e.getMessage());
    }
  }
}
