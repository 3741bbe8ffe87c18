package org.openpcs.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.openpcs.api.auth.SigV4;
import org.openpcs.server.ServerConfig;
import org.openpcs.server.keys.AccessKeys;
import org.openpcs.server.keys.SecretSealer;
import org.openpcs.store.Store;
import org.openpcs.store.jdbc.JdbcStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpcs keys create|list|delete}: manages API access keys directly in the server's store
 * (the PCS API has no key operations). Works while the server runs.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage API access keys.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Delete.class})
public final class KeysCommand {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The server's data dir (default $OPENPCS_HOME or ~/.openpcs).")
  Path dataDir;

  @Option(
      names = "--database-url",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The server's database, when not the embedded one.")
  String databaseUrl;

  @Option(names = "--database-user", scope = picocli.CommandLine.ScopeType.INHERIT)
  String databaseUser;

  @Option(
      names = "--database-password-env",
      paramLabel = "VAR",
      scope = picocli.CommandLine.ScopeType.INHERIT)
  String databasePasswordEnv;

  <T> T withKeys(java.util.function.Function<AccessKeys, T> work) {
    Path dir = dataDir != null ? dataDir : ServerConfig.defaultDataDir();
    String url = databaseUrl != null ? databaseUrl : JdbcStore.h2FileUrl(dir);
    String password = databasePasswordEnv == null ? null : System.getenv(databasePasswordEnv);
    try (Store store = JdbcStore.open(url, databaseUser, password)) {
      return work.apply(
          new AccessKeys(store, SecretSealer.open(dir.resolve("master.key")), Clock.systemUTC()));
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an access key and print it once.")
  static final class Create implements Callable<Integer> {
    @ParentCommand KeysCommand parent;

    @Option(names = "--description", defaultValue = "", description = "What the key is for.")
    String description;

    @Override
    public Integer call() {
      SigV4.Credentials c = parent.withKeys(k -> k.create(description, true));
      System.out.println("AccessKeyId:     " + c.accessKeyId());
      System.out.println("SecretAccessKey: " + c.secretAccessKey());
      System.out.println("The secret is shown only now; store it safely.");
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List access keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @ParentCommand KeysCommand parent;

    @Override
    public Integer call() {
      parent.withKeys(
          k -> {
            System.out.printf("%-22s %-28s %s%n", "ACCESS KEY ID", "CREATED", "DESCRIPTION");
            k.list()
                .forEach(
                    a ->
                        System.out.printf(
                            "%-22s %-28s %s%n", a.accessKeyId(), a.createdAt(), a.description()));
            return null;
          });
      return 0;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete an access key; requests signed with it fail within seconds.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand KeysCommand parent;

    @Parameters(paramLabel = "ACCESS_KEY_ID")
    String id;

    @Override
    public Integer call() {
      boolean deleted = parent.withKeys(k -> k.delete(id));
      System.out.println(deleted ? "deleted " + id : "no access key " + id);
      return deleted ? 0 : 1;
    }
  }
}
