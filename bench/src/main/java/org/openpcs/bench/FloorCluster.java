package org.openpcs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openpcs.control.slurm.SlurmConfigPlanner;

/**
 * The floor: a bare Slurm cluster set up by hand as the lab's reference script does ({@code
 * shared/reference/slurm-local-lab.sh}): its own munged and slurmctld, N {@code State=CLOUD} nodes
 * on 127.0.0.1, and a ResumeProgram that starts each slurmd directly (signal mask reset, {@code
 * setsid}, {@code -b} so slurmctld accepts the registration, in a later second than the resume
 * request as D26 found necessary), a SuspendProgram that stops it. No control plane, no agent, no
 * instance records: the least any Slurm-based service can do.
 */
final class FloorCluster implements AutoCloseable {
  final Path dir;
  final Path slurmConf;
  final int nodes;
  final SlurmCli slurm;

  FloorCluster(int nodes, int suspendTimeSeconds) {
    this(nodes, suspendTimeSeconds, List.of());
  }

  /**
   * @param settings extra slurm.conf lines ({@code Key=Value}), to take one difference between the
   *     floor and OpenPCS's rendering out of a comparison
   */
  FloorCluster(int nodes, int suspendTimeSeconds, List<String> settings) {
    this.nodes = nodes;
    try {
      dir = LabHost.shortTempDir("opf");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    slurmConf = dir.resolve("etc/slurm.conf");
    slurm = new SlurmCli(dir);
    cleanup = new Thread(this::close);
    Runtime.getRuntime().addShutdownHook(cleanup);
    boolean ok = false;
    try {
      start(suspendTimeSeconds, settings);
      ok = true;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  static String nodeName(int i) {
    return "f" + i;
  }

  private void start(int suspendTime, List<String> settings) {
    for (String d : List.of("etc", "bin", "state", "spool", "log", "run", "munge", "tmp")) {
      mkdirs(dir.resolve(d));
    }
    setMode(dir, "rwxr-xr-x");
    // munged refuses a socket directory without o+x
    setMode(dir.resolve("munge"), "rwxr-xr-x");
    Path key = dir.resolve("munge/munge.key");
    exec("/usr/sbin/mungekey", "--create", "--keyfile=" + key);
    setMode(key, "r--------");
    Path socket = dir.resolve("munge/munge.socket");
    exec(
        "/usr/sbin/munged",
        "--socket=" + socket,
        "--key-file=" + key,
        "--pid-file=" + dir.resolve("munge/munged.pid"),
        "--seed-file=" + dir.resolve("munge/munged.seed"),
        "--log-file=" + dir.resolve("munge/munged.log"),
        "--num-threads=" + (nodes > 32 ? 10 : 2));
    OpenPcsLab.await(Duration.ofSeconds(10), () -> Files.exists(socket), () -> "munge socket");

    String[] ports = LabHost.freeBlock(nodes + 2).split("-");
    int ctld = Integer.parseInt(ports[0]);
    int first = ctld + 2;
    // slurmd checks NodeHostname against this host's short name
    String host = shortHostName();
    write(
        slurmConf,
        String.join(
            "\n",
            "ClusterName=floor" + (ctld % 10000),
            "SlurmctldHost=" + host + "(127.0.0.1)",
            "SlurmctldPort=" + ctld,
            "SlurmdPort=" + (ctld + 1),
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            "AuthInfo=socket=" + socket,
            "StateSaveLocation=" + dir.resolve("state"),
            "SlurmdSpoolDir=" + dir.resolve("spool/%n"),
            "SlurmctldPidFile=" + dir.resolve("run/slurmctld.pid"),
            "SlurmdPidFile=" + dir.resolve("run/slurmd-%n.pid"),
            "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
            "SlurmdLogFile=" + dir.resolve("log/slurmd-%n.log"),
            "PlugStackConfig=" + dir.resolve("etc/plugstack.conf"),
            "TmpFS=" + dir.resolve("tmp/%n"),
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "SchedulerType=sched/backfill",
            "MpiDefault=none",
            "ReturnToService=2",
            "SlurmdTimeout=120",
            "KillWait=5",
            "MinJobAge=600",
            "ResumeProgram=" + dir.resolve("bin/resume.sh"),
            "SuspendProgram=" + dir.resolve("bin/suspend.sh"),
            "ResumeFailProgram=" + dir.resolve("bin/suspend.sh"),
            "SuspendTime=" + suspendTime,
            // The same timeouts as OpenPCS renders for local instances, so both power down at
            // the same pace (the floor's SuspendProgram, too, returns once slurmd is gone).
            "SuspendTimeout=" + SlurmConfigPlanner.suspendTimeoutSeconds(Duration.ZERO),
            "ResumeTimeout=600",
            "ResumeRate=0",
            "SuspendRate=0",
            "TreeWidth=65533",
            "PrivateData=cloud",
            "SlurmctldParameters=idle_on_node_suspend",
            String.join("\n", settings),
            "NodeName=f[1-"
                + nodes
                + "] NodeHostname="
                + host
                + " NodeAddr=127.0.0.1 Port=["
                + first
                + "-"
                + (first + nodes - 1)
                + "] CPUs=1 RealMemory=500 State=CLOUD Feature=cloud",
            "PartitionName=work Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
            ""));
    write(dir.resolve("etc/plugstack.conf"), "");
    String conf = slurmConf.toString();
    // $1 is a hostlist expression; the slurmd inherits slurmscriptd's blocked signals unless reset.
    script(
        "resume.sh",
        "export SLURM_CONF="
            + conf
            + "\n"
            + "echo \"$(date +%s.%N) resume $1\" >> "
            + dir.resolve("log/power.log")
            + "\n"
            // D26: a slurmd that starts within the resume request's own second may report a boot
            // time before it, and slurmctld then ignores its registration for good (the node waits
            // for ResumeTimeout) — any working ResumeProgram must start it in a later second.
            + "s=$(date +%s); while [ \"$(date +%s)\" = \"$s\" ]; do sleep 0.02; done\n"
            + "for n in $(/usr/bin/scontrol show hostnames \"$1\"); do\n"
            + "  mkdir -p "
            + dir.resolve("spool")
            + "/$n "
            + dir.resolve("tmp")
            + "/$n\n"
            + "  setsid /usr/bin/perl -MPOSIX -e 'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die;"
            + " exec @ARGV or die' /usr/sbin/slurmd -b -f "
            + conf
            + " -N $n </dev/null >>"
            + dir.resolve("log/resume-stdio.log")
            + " 2>&1\n"
            + "done\n");
    script(
        "suspend.sh",
        "export SLURM_CONF="
            + conf
            + "\n"
            + "echo \"$(date +%s.%N) suspend $1\" >> "
            + dir.resolve("log/power.log")
            + "\n"
            + "for n in $(/usr/bin/scontrol show hostnames \"$1\"); do\n"
            + "  f="
            + dir.resolve("run")
            + "/slurmd-$n.pid; [ -s $f ] || continue; p=$(cat $f)\n"
            + "  kill -TERM $p 2>/dev/null\n"
            + "  for i in $(seq 50); do s=$(ps -o stat= -p $p) || break; [[ $s == Z* ]] && break;"
            + " sleep 0.1; done\n"
            + "  kill -KILL $p 2>/dev/null; rm -f $f\n"
            + "done\n");
    exec("/usr/sbin/slurmctld", "-f", conf);
    OpenPcsLab.await(
        Duration.ofSeconds(30),
        () -> slurm.run(slurmConf, "scontrol", "ping").output().contains("UP"),
        () -> "floor slurmctld answering ping");
  }

  private static String shortHostName() {
    try {
      String h = java.net.InetAddress.getLocalHost().getHostName();
      return h.contains(".") ? h.substring(0, h.indexOf('.')) : h;
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /** Node names whose slurmd runs and that Slurm sees up (not powered down or powering up). */
  long nodesUp() {
    return slurm.nodes(slurmConf).values().stream()
        .filter(s -> s.matches("(idle|mix|alloc)"))
        .count();
  }

  long nodesPoweredDown() {
    return slurm.nodes(slurmConf).values().stream().filter(s -> s.endsWith("~")).count();
  }

  Path slurmctldLog() {
    return dir.resolve("log/slurmctld.log");
  }

  List<Long> slurmdPids() {
    return Procs.slurmd(Procs.usingDir(dir));
  }

  Long slurmctldPid() {
    try {
      return Long.parseLong(Files.readString(dir.resolve("run/slurmctld.pid")).strip());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private final Thread cleanup;
  private volatile boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // running as the hook itself
    }
    slurm.run(slurmConf, "scancel", "--full", "-u", "root");
    // slurmd first, then slurmctld and munged; each stopped by its pid, SIGKILL if it lingers.
    List<Long> pids = Procs.usingDir(dir);
    for (long pid : Procs.slurmd(pids)) {
      stop(pid);
    }
    for (long pid : Procs.usingDir(dir)) {
      stop(pid);
    }
    LabHost.deleteTree(dir);
  }

  private static void stop(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              h.destroy();
              try {
                h.onExit().get(5, TimeUnit.SECONDS);
              } catch (Exception e) {
                h.destroyForcibly();
              }
            });
  }

  private void script(String name, String body) {
    Path p = dir.resolve("bin").resolve(name);
    write(p, "#!/bin/bash\n" + body + "exit 0\n");
    setMode(p, "rwxr-xr-x");
  }

  private void exec(String... cmd) {
    SlurmCli.Result r = slurm.run(slurmConf, cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited " + r.exit() + ": " + r.output());
    }
  }

  private static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, String s) {
    try {
      Files.writeString(p, s, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void setMode(Path p, String mode) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
