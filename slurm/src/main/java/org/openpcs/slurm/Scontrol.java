package org.openpcs.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and updates one cluster's node and job state through the Slurm CLI. 22.05 has no {@code
 * scontrol --json} (it came with 23.02), but {@code sinfo --json} and {@code squeue --json} exist
 * (openapi v0.0.38); the parsers also accept the later shape where states are arrays.
 */
public final class Scontrol {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Base states as 23.02+ lists them first in the state array. */
  private static final Set<String> BASE_STATES =
      Set.of("IDLE", "ALLOCATED", "MIXED", "DOWN", "ERROR", "FUTURE", "UNKNOWN", "END");

  /** States {@code scontrol update NodeName=... State=} accepts that OpenPCS may use. */
  private static final Set<String> NODE_STATES =
      Set.of(
          "CANCEL_REBOOT",
          "DOWN",
          "DRAIN",
          "FAIL",
          "FUTURE",
          "IDLE",
          "NO_RESP",
          "POWER_DOWN",
          "POWER_DOWN_ASAP",
          "POWER_DOWN_FORCE",
          "POWER_UP",
          "RESUME",
          "UNDRAIN");

  /** scontrol refuses these without a reason. */
  private static final Set<String> NEED_REASON = Set.of("DOWN", "DRAIN", "FAIL");

  private static final Pattern NODE_EXPRESSION =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._,\\[\\]-]{0,4095}");

  /** A reservation or user name OpenPCS passes: no blanks or characters scontrol would parse. */
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /**
   * Reasons are passed as one argument (no shell), but scontrol and the state files still parse
   * them: no quotes, backslashes, '#' or line breaks, and a bounded length.
   */
  private static final Pattern REASON =
      Pattern.compile("openpcs:[A-Za-z0-9 _.,:;/@()\\[\\]+=%-]{0,400}");

  private final SlurmCli cli;

  /**
   * A reason {@link #updateNode} accepts, made from any text (an error message may quote daemon
   * output with '|', quotes or line breaks): other characters become blanks, runs of blanks one,
   * and the result is cut to the allowed length. Adds the {@code openpcs:} prefix when missing.
   */
  public static String reason(String text) {
    String body = text == null ? "" : text.strip();
    if (body.startsWith("openpcs:")) {
      body = body.substring("openpcs:".length());
    }
    body = body.replaceAll("[^A-Za-z0-9 _.,:;/@()\\[\\]+=%-]", " ").replaceAll(" {2,}", " ");
    String r = "openpcs:" + (body.startsWith(" ") ? body : " " + body);
    return r.length() <= 408 ? r.stripTrailing() : r.substring(0, 408).stripTrailing();
  }

  public Scontrol(SlurmInstallation installation, ClusterPaths paths) {
    this.cli = new SlurmCli(Objects.requireNonNull(installation), Objects.requireNonNull(paths));
  }

  /** Every node, including powered-down cloud nodes (the config sets PrivateData=cloud). */
  public List<NodeStatus> nodes() {
    return parseNodes(query("sinfo", "--json"));
  }

  /** The named nodes only (a hostlist expression): one small answer where a burst has many. */
  public List<NodeStatus> nodes(String hostlist) {
    return parseNodes(query("sinfo", "--json", "--nodes=" + hostlist));
  }

  /** Every job slurmctld still knows (finished ones stay for MinJobAge). */
  public List<JobStatus> jobs() {
    return parseJobs(query("squeue", "--json"));
  }

  /**
   * {@code scontrol update NodeName=<nodes> State=<state> [Reason=<reason>]}.
   *
   * @param nodes a node name or hostlist expression
   * @param reason required for DOWN, DRAIN and FAIL; must start with {@code openpcs:} so that
   *     OpenPCS later recognises (and only undoes) its own states
   */
  public void updateNode(String nodes, String state, String reason) {
    List<String> args = updateArgs(nodes, state, reason);
    CommandResult r = cli.run("scontrol", TIMEOUT, args.toArray(String[]::new));
    if (!r.ok()) {
      throw new SlurmException(
          "scontrol " + args.get(1) + " " + args.get(2) + " failed: " + r.describe());
    }
  }

  /** The validated argument list for {@code scontrol update}. */
  static List<String> updateArgs(String nodes, String state, String reason) {
    if (nodes == null || !NODE_EXPRESSION.matcher(nodes).matches()) {
      throw new IllegalArgumentException("invalid node expression");
    }
    String upper = state == null ? "" : state.toUpperCase(Locale.ROOT);
    if (!NODE_STATES.contains(upper)) {
      throw new IllegalArgumentException(
          "unsupported node state " + state + "; use one of " + new TreeSet<>(NODE_STATES));
    }
    List<String> args = new ArrayList<>(List.of("update", "NodeName=" + nodes, "State=" + upper));
    if (reason != null) {
      if (!REASON.matcher(reason).matches()) {
        throw new IllegalArgumentException(
            "reason must start with 'openpcs:' and use only letters, digits, blanks and"
                + " _.,:;/@()[]+=%- (at most 400)");
      }
      args.add("Reason=" + reason);
    } else if (NEED_REASON.contains(upper)) {
      throw new IllegalArgumentException("state " + upper + " needs a reason");
    }
    return List.copyOf(args);
  }

  /**
   * {@code scontrol requeue <job>}: the job goes back to the queue and runs again elsewhere.
   *
   * @return false when Slurm refused (e.g. the job was submitted with {@code --no-requeue} or has
   *     just finished)
   */
  public boolean requeue(long job) {
    return cli.run("scontrol", TIMEOUT, "requeue", Long.toString(job)).ok();
  }

  /**
   * Lifts the hold 22.05 puts on a requeued job (its begin time is pushed back by about two
   * minutes) when OpenPCS knows why it was requeued.
   */
  public void startNow(long job) {
    cli.run("scontrol", TIMEOUT, "update", "JobId=" + job, "StartTime=now");
  }

  /**
   * {@code scontrol create reservation} on {@code nodes} from now for {@code minutes} (Slurm's
   * resolution), for {@code users} only: no other job may start on them, and a job runs in a
   * reservation only when it asks for it by name. Flags IGNORE_JOBS (jobs run on the nodes now) and
   * OVERLAP (an administrator's reservation may hold them already).
   */
  public void createReservation(String name, String nodes, int minutes, String users) {
    List<String> args = reservationArgs(name, nodes, minutes, users);
    CommandResult r = cli.run("scontrol", TIMEOUT, args.toArray(String[]::new));
    if (!r.ok()) {
      throw new SlurmException("scontrol create reservation " + name + " failed: " + r.describe());
    }
  }

  /** The validated argument list for {@link #createReservation}. */
  static List<String> reservationArgs(String name, String nodes, int minutes, String users) {
    if (name == null || !PLAIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid reservation name");
    }
    if (nodes == null || !NODE_EXPRESSION.matcher(nodes).matches()) {
      throw new IllegalArgumentException("invalid node expression");
    }
    if (minutes < 1) {
      throw new IllegalArgumentException("a reservation lasts at least a minute");
    }
    if (users == null || !PLAIN_NAME.matcher(users).matches()) {
      throw new IllegalArgumentException("invalid user name");
    }
    return List.of(
        "create",
        "reservation",
        "ReservationName=" + name,
        "Nodes=" + nodes,
        "StartTime=now",
        "Duration=" + minutes,
        "Users=" + users,
        "Flags=IGNORE_JOBS,OVERLAP");
  }

  /**
   * {@code scontrol delete reservation <name>}.
   *
   * @return false when Slurm refused (e.g. there is no such reservation: it ended)
   */
  public boolean deleteReservation(String name) {
    if (name == null || !PLAIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid reservation name");
    }
    return cli.run("scontrol", TIMEOUT, "delete", "reservation", name).ok();
  }

  /** The names of the reservations slurmctld holds ({@code scontrol show reservation -o}). */
  public List<String> reservationNames() {
    return parseReservationNames(query("scontrol", "show", "reservation", "-o"));
  }

  /** The nodes of each partition slurmctld runs ({@code scontrol show partition -o}). */
  public Map<String, List<String>> partitionNodes() {
    return parsePartitionNodes(query("scontrol", "show", "partition", "-o"));
  }

  /** Throws unless slurmctld answers. */
  public void ping() {
    CommandResult r = cli.run("scontrol", ControllerDaemons.PING_TIMEOUT, "ping");
    if (!r.stdout().contains(" is UP")) {
      throw new SlurmException("slurmctld does not answer: " + r.describe());
    }
  }

  private String query(String program, String... args) {
    CommandResult r = cli.run(program, TIMEOUT, args);
    if (!r.ok()) {
      throw new SlurmException(program + " " + String.join(" ", args) + " failed: " + r.describe());
    }
    return r.stdout();
  }

  // ------------------------------------------------------------------ parsing

  static List<NodeStatus> parseNodes(String json) {
    JsonNode root = read(json);
    // A node in several partitions may be listed more than once; keep the first.
    Map<String, NodeStatus> byName = new LinkedHashMap<>();
    for (JsonNode n : root.path("nodes")) {
      String name = n.path("name").asText();
      if (name.isEmpty() || byName.containsKey(name)) {
        continue;
      }
      List<String> states = upperList(n.path("state"));
      TreeSet<String> flags = new TreeSet<>(upperList(n.path("state_flags")));
      String base = "UNKNOWN";
      for (String s : states) {
        if (BASE_STATES.contains(s) && base.equals("UNKNOWN")) {
          base = s;
        } else {
          flags.add(s);
        }
      }
      flags.remove(base);
      long lastBusy = number(n.path("last_busy"));
      long slurmdStart = number(n.path("slurmd_start_time"));
      byName.put(
          name,
          new NodeStatus(
              name,
              base,
              flags,
              n.path("reason").asText(""),
              lastBusy > 0 ? Instant.ofEpochSecond(lastBusy) : null,
              slurmdStart > 0 ? Instant.ofEpochSecond(slurmdStart) : null));
    }
    return List.copyOf(byName.values());
  }

  static Map<String, List<String>> parsePartitionNodes(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String name = null;
      String nodes = "";
      for (String pair : line.strip().split(" ")) {
        if (pair.startsWith("PartitionName=")) {
          name = pair.substring("PartitionName=".length());
        } else if (pair.startsWith("Nodes=")) {
          nodes = pair.substring("Nodes=".length());
        }
      }
      if (name != null) {
        out.put(
            name, nodes.isEmpty() || nodes.equals("(null)") ? List.of() : Hostlist.expand(nodes));
      }
    }
    return out;
  }

  /** "No reservations in the system" or one {@code ReservationName=… } line per reservation. */
  static List<String> parseReservationNames(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("ReservationName=")) {
        int end = l.indexOf(' ');
        out.add(l.substring("ReservationName=".length(), end < 0 ? l.length() : end));
      }
    }
    return List.copyOf(out);
  }

  static List<JobStatus> parseJobs(String json) {
    JsonNode root = read(json);
    List<JobStatus> out = new ArrayList<>();
    for (JsonNode j : root.path("jobs")) {
      List<String> states = upperList(j.path("job_state"));
      out.add(
          new JobStatus(
              number(j.path("job_id")),
              j.path("name").asText(""),
              j.path("partition").asText(""),
              states.isEmpty() ? "UNKNOWN" : states.getFirst(),
              j.path("nodes").asText(""),
              j.path("state_reason").asText("")));
    }
    return List.copyOf(out);
  }

  private static JsonNode read(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw new SlurmException("unexpected Slurm JSON output");
      }
      JsonNode errors = root.path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        throw new SlurmException("Slurm reported errors: " + errors);
      }
      return root;
    } catch (IOException e) {
      throw new SlurmException("cannot parse Slurm JSON output: " + e.getMessage(), e);
    }
  }

  /** "idle" (22.05) or ["IDLE","DRAIN"] (23.02+) → upper-case list. */
  private static List<String> upperList(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> out.add(v.asText().toUpperCase(Locale.ROOT)));
    } else if (node.isTextual() && !node.asText().isEmpty()) {
      out.add(node.asText().toUpperCase(Locale.ROOT));
    }
    return out;
  }

  /** 42 (22.05) or {"set":true,"number":42} (23.11+). */
  private static long number(JsonNode node) {
    return node.isObject() ? node.path("number").asLong(-1) : node.asLong(-1);
  }
}
