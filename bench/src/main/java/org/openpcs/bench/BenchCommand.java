package org.openpcs.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code openpcs bench}: benchmark commands. Each prints a table and can write JSON; none is a
 * test, but each has a smoke test so it cannot rot. Subcommands: {@code api}, {@code cluster},
 * {@code cold-start}, {@code burst}, {@code replay}, {@code throughput}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: print a table of measurements and optionally write them as JSON.",
    subcommands = {
      ApiBenchCommand.class,
      ClusterBenchCommand.class,
      ColdStartBenchCommand.class,
      BurstBenchCommand.class,
      ReplayBenchCommand.class,
      ThroughputBenchCommand.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  /** {@code openpcs bench} alone lists the benchmarks. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code bench ...} on its own, for when the {@code openpcs} launcher is not built. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
