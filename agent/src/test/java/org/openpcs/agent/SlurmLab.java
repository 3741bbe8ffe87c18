package org.openpcs.agent;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away Slurm controller for integration tests, as in slurm-local-lab.sh: its own munged
 * (own key and socket) and a configless slurmctld on free ports, with one static node {@code n1}.
 * {@link #close()} stops everything it started, and every process whose command line mentions the
 * lab directory or the controller port, by pid.
 */
public final class SlurmLab implements AutoCloseable {
  public final Path dir;
  public final int ctldPort;
  public final int nodePort;
  public final Path conf;
  public final Path mungeSocket;
  public final String hostname;

  public record Result(int rc, String out) {}

  public SlurmLab() throws IOException, InterruptedException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "openpcs-it-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    ctldPort = freePort();
    int p;
    do {
      p = freePort();
    } while (p == ctldPort);
    nodePort = p;
    for (String d : List.of("etc", "state", "spool", "log", "run", "munge", "tmp", "work")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.setPosixFilePermissions(
        dir.resolve("munge"), PosixFilePermissions.fromString("rwxr-xr-x"));
    mungeSocket = dir.resolve("munge/munge.socket");
    conf = dir.resolve("etc/slurm.conf");
    hostname = run(List.of("hostname", "-s"), Duration.ofSeconds(5)).out().strip();
  }

  public byte[] mungeKey() throws IOException {
    return Files.readAllBytes(dir.resolve("munge/munge.key"));
  }

  public void start() throws IOException, InterruptedException {
    Path key = dir.resolve("munge/munge.key");
    check(
        run(List.of("/usr/sbin/mungekey", "--create", "--keyfile=" + key), Duration.ofSeconds(10)));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
    check(
        run(
            List.of(
                "/usr/sbin/munged",
                "--socket=" + mungeSocket,
                "--key-file=" + key,
                "--pid-file=" + dir.resolve("munge/munged.pid"),
                "--seed-file=" + dir.resolve("munge/munged.seed"),
                "--log-file=" + dir.resolve("munge/munged.log"),
                "--num-threads=2"),
            Duration.ofSeconds(10)));
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ClusterName=agentit",
            "SlurmctldHost=" + hostname + "(127.0.0.1)",
            "SlurmctldPort=" + ctldPort,
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            "AuthInfo=socket=" + mungeSocket,
            "StateSaveLocation=" + dir.resolve("state"),
            "SlurmdSpoolDir=" + dir.resolve("spool") + "/%n",
            "SlurmctldPidFile=" + dir.resolve("run/slurmctld.pid"),
            "SlurmdPidFile=" + dir.resolve("run") + "/slurmd-%n.pid",
            "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
            "SlurmdLogFile=" + dir.resolve("log") + "/slurmd-%n.log",
            "PlugStackConfig=" + dir.resolve("etc/plugstack.conf"),
            "TmpFS=" + dir.resolve("tmp"),
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "ReturnToService=2",
            "SlurmdTimeout=60",
            "SlurmctldParameters=enable_configless",
            "NodeName=n1 NodeHostname="
                + hostname
                + " NodeAddr=127.0.0.1 CPUs=1 RealMemory=500 Port="
                + nodePort
                + " State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
            ""));
    Files.writeString(dir.resolve("etc/plugstack.conf"), "");
    check(run(List.of("/usr/sbin/slurmctld", "-f", conf.toString()), Duration.ofSeconds(20)));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!slurm(List.of("scontrol", "ping"), Duration.ofSeconds(10)).out().contains("UP")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("slurmctld did not answer: " + tail("log/slurmctld.log"));
      }
      Thread.sleep(100);
    }
  }

  /** A Slurm client command against this controller. */
  public Result slurm(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("SLURM_"));
    pb.environment().put("SLURM_CONF", conf.toString());
    pb.directory(dir.resolve("work").toFile());
    return run(pb, timeout);
  }

  /** The node's State= value (e.g. IDLE), or "" if scontrol cannot tell. */
  public String nodeState(String node) throws IOException, InterruptedException {
    String out = slurm(List.of("scontrol", "show", "node", node), Duration.ofSeconds(10)).out();
    int i = out.indexOf("State=");
    if (i < 0) {
      return "";
    }
    int end = out.indexOf(' ', i);
    return out.substring(i + 6, end < 0 ? out.length() : end).strip();
  }

  public String tail(String rel) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(rel), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  public static Result run(List<String> cmd, Duration timeout)
      throws IOException, InterruptedException {
    return run(new ProcessBuilder(cmd), timeout);
  }

  static Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path out = Files.createTempFile("openpcs-it-out", ".txt");
    try {
      pb.redirectOutput(out.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Result(-1, Files.readString(out) + "\n(timed out)");
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void check(Result r) {
    if (r.rc() != 0) {
      throw new IllegalStateException("command failed (" + r.rc() + "): " + r.out());
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops a process by pid: SIGTERM, then SIGKILL after 10 s; zombies count as gone. */
  public static void stopPid(long pid) throws InterruptedException {
    Daemon d = Daemon.adopt("p", pid, Daemon.startTicks(pid).orElse(-1L));
    d.stop(Duration.ofSeconds(10));
  }

  /** Our processes: pid files, then anything whose command line names the lab or its port. */
  public List<Long> leftovers() {
    List<Long> pids = new ArrayList<>();
    // exact matches only: "/tmp/openpcs-it-12/" never matches "/tmp/openpcs-it-123/", nor
    // ":4012 " ":40123 " (each argument ends with a space once NULs are replaced)
    String port = "127.0.0.1:" + ctldPort + " ";
    String lab = dir + "/";
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .forEach(
              p -> {
                try {
                  String cmd =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                          .replace('\0', ' ');
                  long pid = Long.parseLong(p.getFileName().toString());
                  if (pid != ProcessHandle.current().pid()
                      && (cmd.contains(lab) || cmd.contains(port))
                      && Daemon.stat(pid).map(f -> !f[0].equals("Z")).orElse(false)) {
                    pids.add(pid);
                  }
                } catch (IOException | RuntimeException e) {
                  // gone meanwhile
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  @Override
  public void close() throws Exception {
    for (String f : List.of("run/slurmctld.pid", "munge/munged.pid")) {
      Path pf = dir.resolve(f);
      if (Files.exists(pf)) {
        try {
          stopPid(Long.parseLong(Files.readString(pf).strip()));
        } catch (NumberFormatException e) {
          // half-written
        }
      }
    }
    for (long pid : leftovers()) {
      stopPid(pid);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    }
  }

  /**
   * The state letter of a process ({@code R}, {@code S}, {@code Z}, ...), or "" if there is none.
   */
  public static String processState(long pid) {
    return Daemon.stat(pid).map(f -> f[0]).orElse("");
  }

  public static boolean slurmInstalled() {
    return Stream.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/srun")
            .allMatch(p -> Files.isExecutable(Path.of(p)))
        && "root".equals(System.getProperty("user.name"));
  }

  public static Map<String, String> procStatus(long pid) throws IOException {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      int c = line.indexOf(':');
      if (c > 0) {
        m.put(line.substring(0, c), line.substring(c + 1).strip());
      }
    }
    return m;
  }
}
