package org.openpcs;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpcs.api.PcsJson;
import org.openpcs.api.auth.SigV4;
import org.openpcs.api.client.AwsProfiles;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import org.openpcs.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openpcs shell <cluster> [-- command...]}: a shell (or one command) on this machine in
 * which sbatch, srun, squeue, sinfo and scancel talk to that cluster. The cluster is resolved
 * through the public API; its Slurm configuration (which names its own munge socket) lives in the
 * server's data dir, so this works on the machine that runs the cluster's controller.
 */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = "Open a shell whose Slurm commands talk to a cluster.")
public final class ShellCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "Cluster name or id.")
  String cluster;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "Run this command instead of an interactive shell.")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--data-dir",
      description = "The server's data dir (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  @Option(
      names = "--profile",
      defaultValue = "openpcs",
      description = "Profile in <data-dir>/aws (default ${DEFAULT-VALUE}).")
  String profile;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : ServerConfig.defaultDataDir();
    AwsProfiles.Profile p =
        AwsProfiles.read(dir.resolve("aws/credentials"), dir.resolve("aws/config"), profile)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no profile '"
                            + profile
                            + "' in "
                            + dir.resolve("aws")
                            + "; start `openpcs server` first"));
    String id;
    try (PcsHttpClient pcs =
        new PcsHttpClient(
            URI.create(p.endpointUrl()),
            new SigV4.Credentials(p.accessKeyId(), p.secretAccessKey()),
            p.region())) {
      JsonNode c =
          pcs.call(
                  "GetCluster",
                  PcsJson.mapper().createObjectNode().put("clusterIdentifier", cluster))
              .get("cluster");
      id = c.get("id").asText();
      if (!"ACTIVE".equals(c.get("status").asText())
          && !"UPDATING".equals(c.get("status").asText())) {
        System.err.println(
            "openpcs: cluster "
                + cluster
                + " is "
                + c.get("status").asText()
                + "; Slurm commands may fail");
      }
    } catch (PcsClientException e) {
      System.err.println("openpcs: " + e.errorType() + ": " + e.getMessage());
      return 254;
    }
    Path conf = dir.resolve("clusters").resolve(id).resolve("etc/slurm.conf");
    if (!Files.exists(conf)) {
      System.err.println(
          "openpcs: the controller of "
              + cluster
              + " does not run on this machine (no "
              + conf
              + ")");
      return 1;
    }
    List<String> argv = command.isEmpty() ? List.of("bash", "--norc", "-i") : command;
    ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
    pb.environment().put("SLURM_CONF", conf.toString());
    pb.environment().put("OPENPCS_CLUSTER", cluster);
    pb.environment().put("PS1", "[openpcs " + cluster + "] \\w\\$ ");
    if (command.isEmpty()) {
      System.err.println(
          "openpcs: Slurm commands in this shell use cluster "
              + cluster
              + " ("
              + id
              + "); exit to leave");
    }
    return pb.start().waitFor();
  }
}
