package org.openpcs.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The few host tools the agent runs, at absolute paths. */
final class Tools {
  private Tools() {}

  static Path perl() {
    return find("perl", List.of("/usr/bin/perl", "/bin/perl"));
  }

  static Path bash() {
    return find("bash", List.of("/bin/bash", "/usr/bin/bash"));
  }

  static Path sh() {
    return find("sh", List.of("/bin/sh", "/usr/bin/sh"));
  }

  static Path setsid() {
    return find("setsid", List.of("/usr/bin/setsid", "/bin/setsid"));
  }

  static Path env() {
    return find("env", List.of("/usr/bin/env", "/bin/env"));
  }

  static Path unshare() {
    return find("unshare", List.of("/usr/bin/unshare", "/bin/unshare"));
  }

  private static Path find(String name, List<String> candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AgentException(name + " is not installed (looked in " + candidates + ")");
  }
}
