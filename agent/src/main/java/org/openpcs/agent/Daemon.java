package org.openpcs.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A daemon the agent runs ({@code munged}, {@code slurmd}), identified by pid <em>and</em> its
 * start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22), so a reused pid is
 * never mistaken for it. {@link #process} is set when this JVM started it (then the JVM reaps it);
 * it is {@code null} for an adopted daemon (then PID 1 reaps it, and a zombie counts as dead).
 */
record Daemon(String name, long pid, long startTicks, Process process) {

  /**
   * Perl (always present where Slurm is, as perl-base) turns the child into a session leader,
   * unblocks every signal, resets every disposition to the default and execs the command: the
   * daemon gets no signal mask or ignored signals from whoever started it, and no controlling
   * terminal or process group it could lose with the JVM. It does not fork, so the pid we get is
   * the daemon's.
   */
  static final String DETACH =
      "use POSIX; POSIX::setsid() or die \"setsid: $!\\n\";"
          + " sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die \"sigprocmask: $!\\n\";"
          + " for my $s (1..64) { POSIX::sigaction($s, POSIX::SigAction->new('SIG_DFL')) }"
          + " exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";";

  /**
   * How a daemon is detached: the cheapest way that gives it a clean signal state, chosen once from
   * what this JVM's children inherit (D25, D37).
   */
  enum Detach {
    /** Children start clean: {@code setsid} alone (about 1 ms). */
    SETSID,
    /**
     * Signals ignored but none blocked — a server started in the background ({@code &} ignores
     * SIGINT and SIGQUIT) or under {@code nohup} (SIGHUP): coreutils' {@code env --default-signal}
     * (8.31+) resets them, at about a tenth of perl's cost.
     */
    ENV,
    /** Signals blocked (e.g. started from slurmscriptd, slurm-lab §3): perl, {@link #DETACH}. */
    PERL;

    /** The argv that comes before the daemon's own command. */
    List<String> prefix() {
      return switch (this) {
        case SETSID -> List.of(Tools.setsid().toString());
        case ENV -> List.of(Tools.setsid().toString(), Tools.env().toString(), "--default-signal");
        case PERL -> List.of(Tools.perl().toString(), "-e", DETACH, "--");
      };
    }

    /**
     * @param plain {@code /proc/self/status} of a plain child
     * @param viaEnv the same through {@code env --default-signal} ({@code null} if it failed)
     */
    static Detach choose(String plain, String viaEnv) {
      if (cleanSignals(plain)) {
        return SETSID;
      }
      return viaEnv != null && cleanSignals(viaEnv) ? ENV : PERL;
    }
  }

  /**
   * Chosen once: the perl way costs about 12 ms of CPU per start, twice per node, which in a
   * 256-node burst on two cores was a fifth of all the CPU the burst used.
   *
   * <p>Not in a static initializer: the probe runs a process and logs, and a virtual thread that
   * waits for another thread's class initialisation holds on to its carrier. A burst's first agents
   * all reach their first daemon start at once; with two carriers, two of them waiting for this
   * class took both, while the initialising one waited for the log appender's lock, held by a
   * virtual thread that had no carrier left to finish on — every agent and the server's log stopped
   * for good. A {@link ReentrantLock} lets waiting virtual threads give their carrier up.
   */
  private static final ReentrantLock DETACH_PROBE = new ReentrantLock();

  private static volatile Detach detachWay;

  static Detach detachWay() {
    Detach way = detachWay;
    if (way != null) {
      return way;
    }
    DETACH_PROBE.lock();
    try {
      if (detachWay == null) {
        detachWay = probe();
      }
      return detachWay;
    } finally {
      DETACH_PROBE.unlock();
    }
  }

  static Detach probe() {
    Detach way = probeOnce();
    // a slow node start is then explained by the log (perl: the JVM started with signals blocked)
    org.slf4j.LoggerFactory.getLogger(Daemon.class)
        .info(
            "node daemons are detached with {}",
            switch (way) {
              case SETSID -> "setsid";
              case ENV ->
                  "setsid and env --default-signal (this JVM's children inherit ignored"
                      + " signals)";
              case PERL -> "perl (this JVM's children inherit blocked signals)";
            });
    return way;
  }

  private static Detach probeOnce() {
    String plain = childStatus(List.of("/bin/cat", "/proc/self/status"));
    if (plain != null && cleanSignals(plain)) {
      return Detach.SETSID;
    }
    String viaEnv;
    try {
      viaEnv =
          childStatus(
              List.of(Tools.env().toString(), "--default-signal", "/bin/cat", "/proc/self/status"));
    } catch (AgentException noEnv) {
      viaEnv = null;
    }
    return Detach.choose(plain == null ? "" : plain, viaEnv);
  }

  /**
   * What {@code command} prints, or {@code null} when it could not run or failed. Waits through an
   * interrupt (and keeps it): the answer is kept for the JVM's life, and an interrupted probe must
   * not settle on perl for good.
   */
  private static String childStatus(List<String> command) {
    Process p;
    String out;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return p.waitFor() == 0 ? out : null;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * No blocked signal and no ignored signal below 32 in a {@code /proc/<pid>/status} text (32 and
   * 33 are glibc's own and never delivered to a daemon).
   */
  static boolean cleanSignals(String status) {
    long blocked = -1;
    long ignored = -1;
    for (String line : status.split("\n")) {
      if (line.startsWith("SigBlk:")) {
        blocked = Long.parseUnsignedLong(line.substring(7).strip(), 16);
      } else if (line.startsWith("SigIgn:")) {
        ignored = Long.parseUnsignedLong(line.substring(7).strip(), 16);
      }
    }
    return blocked == 0 && ignored >= 0 && (ignored & 0x7fffffffL) == 0;
  }

  /** A PATH that finds the usual tools, without the JVM's environment. */
  static final String SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The environment daemons and the bootstrap script start with (nothing of the JVM's). */
  static Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", Daemon.SAFE_PATH);
    env.put("HOME", System.getProperty("user.home", "/"));
    env.put("LANG", "C.UTF-8");
    env.put("SHELL", Tools.bash().toString());
    return env;
  }

  /**
   * Starts {@code command} detached: new session, clean signal state, stdin {@code /dev/null},
   * stdout and stderr appended to {@code output}, only {@code env} in its environment.
   */
  static Daemon spawn(String name, List<String> command, Path output, Map<String, String> env)
      throws IOException {
    // setsid: not a process group leader (it is in the JVM's group), so it does not fork
    List<String> argv = new ArrayList<>(detachWay().prefix());
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.directory(new File("/"));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // stderr to the same file opened a second time, not redirectErrorStream(true): for that the JDK
    // still makes a stderr pipe and keeps its read end open in this JVM until the child exits, one
    // descriptor per running daemon, which every later spawn inherits and must close: with 2,000
    // daemons in a 1,000-node burst, the JDK's spawn helper that closes them took a third of the
    // burst's CPU (D49). Both descriptors append, so lines still land whole and in order.
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
    Process p = pb.start();
    long ticks = -1;
    // Read the start time at once; if the process is already gone, it stays -1 (never alive).
    for (int i = 0; i < 3 && ticks < 0; i++) {
      ticks = startTicks(p.pid()).orElse(-1L);
    }
    return new Daemon(name, p.pid(), ticks, p);
  }

  /** A daemon recorded earlier (not our child). */
  static Daemon adopt(String name, long pid, long startTicks) {
    return new Daemon(name, pid, startTicks, null);
  }

  /** Running (not a zombie) and still the same process. */
  boolean alive() {
    if (pid <= 0 || startTicks < 0) {
      return false;
    }
    if (process != null && !process.isAlive()) {
      return false;
    }
    Optional<String[]> stat = stat(pid);
    if (stat.isEmpty()) {
      return false;
    }
    String[] f = stat.get();
    char state = f[0].isEmpty() ? '?' : f[0].charAt(0);
    return state != 'Z' && state != 'X' && Long.parseLong(f[19]) == startTicks;
  }

  /** The exit code, if this JVM started it and it has exited. */
  Optional<Integer> exitCode() {
    if (process != null && !process.isAlive()) {
      return Optional.of(process.exitValue());
    }
    return Optional.empty();
  }

  /**
   * SIGTERM, then SIGKILL if it is still there after {@code grace}. Returns true if it had been
   * running.
   */
  boolean stop(Duration grace) throws InterruptedException {
    if (!alive()) {
      reap();
      return false;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return false;
    }
    h.get().destroy();
    if (!waitDead(grace)) {
      if (alive()) {
        h.get().destroyForcibly();
      }
      waitDead(Duration.ofSeconds(5));
    }
    reap();
    return true;
  }

  private boolean waitDead(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (process != null) {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } else {
        Thread.sleep(50);
      }
    }
    return true;
  }

  private void reap() throws InterruptedException {
    if (process != null) {
      process.waitFor(2, TimeUnit.SECONDS);
    }
  }

  /** {@code /proc/<pid>/stat} fields from the third (state) on, or empty if there is no process. */
  static Optional<String[]> stat(long pid) {
    try {
      String s =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      int close = s.lastIndexOf(')');
      if (close < 0) {
        return Optional.empty();
      }
      String[] f = s.substring(close + 1).strip().split(" +");
      return f.length > 19 ? Optional.of(f) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Long> startTicks(long pid) {
    return stat(pid).map(f -> Long.parseLong(f[19]));
  }

  /** The session id of a process ({@code /proc/<pid>/stat} field 6). */
  static Optional<Long> sessionId(long pid) {
    return stat(pid).map(f -> Long.parseLong(f[3]));
  }

  @Override
  public String toString() {
    return name + "(pid " + pid + ")";
  }
}
