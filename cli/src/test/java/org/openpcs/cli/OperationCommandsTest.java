package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@link OperationCommands#addTo} on an application's own root, as the single main uses it: the
 * operation commands join the root's other commands, and only their usage errors are handled the
 * AWS CLI way.
 */
class OperationCommandsTest {
  @TempDir Path home;
  private StubServer stub;

  @BeforeEach
  void start() {
    stub = StubServer.start();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  @Command(name = "openpcs", subcommands = Server.class)
  static class App implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  @Command(name = "server")
  static class Server implements Callable<Integer> {
    @Option(names = "--port", required = true)
    int port;

    @Override
    public Integer call() {
      return 0;
    }
  }

  @Test
  void operationCommandsJoinAnAnnotatedRootAndWriteToItsWriters() {
    CommandLine root = new CommandLine(new App());
    StringWriter out = new StringWriter();
    root.setOut(new PrintWriter(out));
    OperationCommands.addTo(root, CliRunner.env(home, stub.url()));
    stub.reply(200, "{\"clusters\":[]}");

    int code = root.execute("list-clusters");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("{\n    \"clusters\": []\n}\n");
    assertThat(root.getSubcommands()).containsKeys("server", "create-cluster", "untag-resource");
  }

  @Test
  void usageErrorsOfOtherCommandsKeepTheRootsHandler() {
    CommandLine root = new CommandLine(new App());
    root.setErr(new PrintWriter(new StringWriter()));
    OperationCommands.addTo(root, CliRunner.env(home, stub.url()));

    assertThat(root.execute("server")).isEqualTo(2); // picocli's default for usage errors
    assertThat(root.execute("get-cluster")).isEqualTo(252);
  }
}
