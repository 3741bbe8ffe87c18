package org.openpcs.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.openpcs.api.PcsJson;

/**
 * What an agent keeps in {@code <instanceDir>/agent-state.json} so that another agent can adopt its
 * node: the node name and controller it registered with, its state, and its daemons (pid plus start
 * time). Never a secret: the munge key lives only in {@code munge/munge.key}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StateFile(
    int version,
    String instanceId,
    String clusterId,
    String bootstrapId,
    String nodeName,
    String confServer,
    boolean login,
    String state,
    String message,
    String mungeSocket,
    Long mungedPid,
    Long mungedStartTicks,
    Long slurmdPid,
    Long slurmdStartTicks,
    String updatedAt) {

  static final String NAME = "agent-state.json";
  private static final ObjectMapper MAPPER = PcsJson.mapper();

  static Optional<StateFile> read(Path instanceDir) {
    try {
      return Optional.of(
          MAPPER.readValue(Files.readAllBytes(instanceDir.resolve(NAME)), StateFile.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AgentException(
          "cannot read " + instanceDir.resolve(NAME) + ": " + e.getMessage(), e);
    }
  }

  void write(Path instanceDir) throws IOException {
    Path target = instanceDir.resolve(NAME);
    Path tmp = instanceDir.resolve(NAME + ".tmp");
    Files.write(tmp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
